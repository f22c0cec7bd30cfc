package app.avalo.infra.scaling;

import java.time.Instant;
import java.util.List;

/**
 * What the scaling controller needs to know of routing: which Cloud Run regions receive new traffic
 * now. The composition root ({@code Root}) answers it from the routing domain's region documents,
 * so this package does not depend on routing.
 */
@FunctionalInterface
public interface RegionRoutes {
  /**
   * One region as routing treats it.
   *
   * @param cloudRegion the GCP region ({@code europe-west10}) its Cloud Run services run in
   * @param routable healthy or degraded: routing sends traffic there
   * @param weight relative capacity (routing's {@code capacityWeight}): how traffic leaving a
   *     region is expected to spread over the others
   * @param unroutableSince when it stopped taking traffic (drain start or status change); null when
   *     routable or unknown
   */
  record Route(String cloudRegion, boolean routable, int weight, Instant unroutableSince) {}

  /** Every region routing knows, at {@code now}; empty when routing cannot say. */
  List<Route> routes(Instant now);

  /** No routing information: every region is taken as routable, shares follow the traffic. */
  RegionRoutes NONE = now -> List.of();
}

package app.avalo.infra.scaling;

import java.util.List;

/**
 * How one region's part of a logical service is bounded: its {@code share} (0-1] of the service's
 * instance bounds, which follows the traffic routed to the region, and a {@code prewarm} floor
 * raised ahead of traffic a failover or drain is moving there ({@link RegionPlanner}).
 *
 * @param region the Cloud Run region ({@code europe-west10}), or {@link #WHOLE} when the metrics
 *     describe the whole service (reported through {@code updateMetrics})
 * @param prewarmFrom the regions whose traffic the pre-warm is for (empty when none)
 */
public record RegionShare(String region, double share, int prewarm, List<String> prewarmFrom) {
  /** The unit of a service whose metrics are not per region. */
  public static final String WHOLE = "all";

  static RegionShare whole() {
    return new RegionShare(WHOLE, 1.0, 0, List.of());
  }

  boolean isWhole() {
    return share >= 1.0 && prewarm == 0;
  }
}

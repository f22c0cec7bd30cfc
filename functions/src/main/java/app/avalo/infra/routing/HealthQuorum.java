package app.avalo.infra.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A region's status decided across vantages, like Route 53's health checkers: each vantage runs the
 * hysteresis ({@link HealthPolicy}) on its own probes, and the region is
 *
 * <ul>
 *   <li>{@code unhealthy} when a strict majority of the live vantages see it unhealthy;
 *   <li>{@code degraded} when a strict majority see it degraded or unhealthy;
 *   <li>{@code healthy} otherwise.
 * </ul>
 *
 * A vantage is live when its report is fresh (written within {@code staleAfter}) and its last round
 * reached at least one region: a vantage that reaches no one, not even itself, is cut off, and
 * counting it would make a partition of the checker look like an outage of everything. So one
 * vantage seeing a region fail alone (a partition between the two) moves nothing, two of three do,
 * and with a single vantage the decision is that vantage's own. With no live vantage there is no
 * verdict and the stored status stands. Pure: no I/O.
 */
final class HealthQuorum {
  private final Duration staleAfter;

  HealthQuorum(Duration staleAfter) {
    this.staleAfter = staleAfter;
  }

  /**
   * One vantage's vote on a region.
   *
   * @param live counted in the quorum (fresh and not partitioned)
   * @param partitioned its last round reached no region
   */
  record Vote(
      String vantage, RegionStatus status, boolean live, boolean partitioned, String reason) {}

  /**
   * The decision for one region.
   *
   * @param status null when no vantage is live (keep the stored status)
   * @param reason why, from a vantage that sees the decided status (its own hysteresis reason),
   *     with the count when more than one vantage voted
   */
  record Verdict(RegionStatus status, int live, int agreeing, String reason, List<Vote> votes) {}

  Verdict decide(String regionId, List<VantageReport> reports, Instant now) {
    List<Vote> votes = new ArrayList<>();
    for (VantageReport report : reports) {
      VantageReport.Observation seen = report.regions().get(regionId);
      if (seen == null) {
        continue;
      }
      votes.add(
          new Vote(
              report.vantage(),
              seen.state().status(),
              report.live(now, staleAfter),
              !report.reachedAny(),
              seen.reason()));
    }
    List<Vote> live = votes.stream().filter(Vote::live).toList();
    if (live.isEmpty()) {
      return new Verdict(null, 0, 0, null, votes);
    }
    long unhealthy = live.stream().filter(v -> v.status() == RegionStatus.UNHEALTHY).count();
    long notHealthy = live.stream().filter(v -> v.status() != RegionStatus.HEALTHY).count();
    RegionStatus status;
    if (2 * unhealthy > live.size()) {
      status = RegionStatus.UNHEALTHY;
    } else if (2 * notHealthy > live.size()) {
      status = RegionStatus.DEGRADED;
    } else {
      status = RegionStatus.HEALTHY;
    }
    List<Vote> agreeing = live.stream().filter(v -> v.status() == status).toList();
    String reason = agreeing.isEmpty() ? null : agreeing.get(0).reason();
    if (live.size() > 1) {
      String who = String.join(", ", agreeing.stream().map(Vote::vantage).toList());
      reason =
          (reason == null ? status.wire() : reason)
              + " (seen by "
              + agreeing.size()
              + " of "
              + live.size()
              + " vantages: "
              + who
              + ")";
    }
    return new Verdict(status, live.size(), agreeing.size(), reason, votes);
  }
}

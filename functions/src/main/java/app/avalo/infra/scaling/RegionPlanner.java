package app.avalo.infra.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a logical service's instance bounds over its regions by the traffic routing sends them,
 * and pre-warms the regions a drain or failover moves traffic to. Pure: routing's view and the
 * newest minute of each region come in, one {@link RegionShare} per region goes out.
 *
 * <ul>
 *   <li>A region routing sends traffic to (healthy or degraded; unknown to routing counts as
 *       routable) expects its own request rate plus, from every region that stopped taking traffic,
 *       a part of that region's rate in proportion to capacity weights. Its share is its expected
 *       rate over the routable regions' total (capacity weights when no rate is known), at least
 *       {@value #MIN_SHARE} so a quiet region can still grow within a minute.
 *   <li>A region that stopped taking traffic keeps the share of the traffic it still serves (its
 *       pinned users are being moved), so during a failover the shares add up to more than 1: the
 *       old region keeps what it holds while the new one gets what it takes over.
 *   <li>For {@code prewarmWindow} after a region stopped taking traffic, each target's floor is
 *       raised to the instances its expected rate needs at the service's current requests per
 *       instance, plus its part of the instances of a region that reports nothing any more (an
 *       unhealthy region's last desired count): capacity is there before the users arrive.
 * </ul>
 *
 * With one region (or metrics for the whole service) the share is 1 and nothing is pre-warmed.
 */
final class RegionPlanner {
  static final double MIN_SHARE = 0.10;

  private final Duration prewarmWindow;

  RegionPlanner(Duration prewarmWindow) {
    this.prewarmWindow = prewarmWindow;
  }

  /**
   * @param units the regions decided on, in order
   * @param latest each region's newest minute (absent: no metrics)
   * @param lastDesired each region's last desired floor (absent: never decided)
   */
  Map<String, RegionShare> plan(
      List<String> units,
      Map<String, MinuteBucket> latest,
      Map<String, Integer> lastDesired,
      List<RegionRoutes.Route> routes,
      Instant now) {
    Map<String, RegionShare> out = new LinkedHashMap<>();
    if (units.size() <= 1) {
      units.forEach(u -> out.put(u, new RegionShare(u, 1.0, 0, List.of())));
      return out;
    }
    Map<String, RegionRoutes.Route> byRegion = new LinkedHashMap<>();
    routes.forEach(r -> byRegion.put(r.cloudRegion(), r));
    double knownWeight = routes.stream().mapToInt(RegionRoutes.Route::weight).average().orElse(1);
    List<String> routable = new ArrayList<>();
    List<String> drained = new ArrayList<>();
    for (String u : units) {
      RegionRoutes.Route r = byRegion.get(u);
      (r == null || r.routable() ? routable : drained).add(u);
    }
    if (routable.isEmpty()) { // nothing is healthy: routing answers the least bad, keep traffic
      routable.addAll(drained);
      drained.clear();
    }
    double weights = 0;
    for (String u : routable) {
      weights += weight(byRegion.get(u), knownWeight);
    }
    double movedRps = 0;
    double movedInstances = 0;
    List<String> fresh = new ArrayList<>();
    for (String d : drained) {
      MinuteBucket b = latest.get(d);
      if (b != null) {
        movedRps += b.rps();
      } else if (lastDesired.get(d) != null) {
        movedInstances += lastDesired.get(d);
      }
      Instant since = byRegion.get(d).unroutableSince();
      if (since == null || since.plus(prewarmWindow).isAfter(now)) {
        fresh.add(d);
      }
    }
    double allRps = 0;
    double allInstances = 0;
    for (MinuteBucket b : latest.values()) {
      allRps += b.rps();
      allInstances += b.lastInstances();
    }
    double perInstance = allInstances > 0 && allRps > 0 ? allRps / allInstances : 0;
    Map<String, Double> expected = new LinkedHashMap<>();
    double expectedTotal = 0;
    for (String u : routable) {
      MinuteBucket b = latest.get(u);
      double e =
          (b == null ? 0 : b.rps()) + movedRps * weight(byRegion.get(u), knownWeight) / weights;
      expected.put(u, e);
      expectedTotal += e;
    }
    for (String u : units) {
      if (routable.contains(u)) {
        double w = weight(byRegion.get(u), knownWeight) / weights;
        double share = expectedTotal > 0 ? expected.get(u) / expectedTotal : w;
        int prewarm = 0;
        if (!fresh.isEmpty()) {
          MinuteBucket b = latest.get(u);
          double own = b == null ? 0 : b.lastInstances();
          double forRate = perInstance > 0 ? expected.get(u) / perInstance : own;
          prewarm = ScalingController.ceil(Math.max(own, forRate) + movedInstances * w);
        }
        out.put(u, new RegionShare(u, clamp(share), prewarm, prewarm > 0 ? fresh : List.of()));
      } else {
        MinuteBucket b = latest.get(u);
        double share = allRps > 0 ? (b == null ? 0 : b.rps()) / allRps : 1.0 / units.size();
        out.put(u, new RegionShare(u, clamp(share), 0, List.of()));
      }
    }
    return out;
  }

  private static double weight(RegionRoutes.Route r, double fallback) {
    return r == null ? fallback : Math.max(1, r.weight());
  }

  private static double clamp(double share) {
    return Math.min(1.0, Math.max(MIN_SHARE, share));
  }
}

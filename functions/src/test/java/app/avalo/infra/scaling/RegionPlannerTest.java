package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How bounds are split over regions and pre-warmed, without Firestore. */
class RegionPlannerTest {
  static final Instant NOW = Instant.parse("2026-03-02T10:05:00Z");
  static final RegionPlanner PLANNER = new RegionPlanner(Duration.ofMinutes(15));
  static final List<String> UNITS = List.of("europe-west10", "us-west1", "asia-northeast1");

  static MinuteBucket minute(double rps, long instances) {
    Instant m = NOW.minusSeconds(120);
    return new MinuteBucket(m, 1, 0.45, 0.5, rps, instances, m.plusSeconds(60), instances);
  }

  static RegionRoutes.Route route(String region, boolean routable, int weight, Instant since) {
    return new RegionRoutes.Route(region, routable, weight, since);
  }

  @Test
  void sharesFollowTheTrafficWithAFloorForQuietRegions() {
    Map<String, RegionShare> plan =
        PLANNER.plan(
            UNITS,
            Map.of(
                "europe-west10", minute(845, 9),
                "us-west1", minute(150, 1),
                "asia-northeast1", minute(5, 1)),
            Map.of(),
            List.of(),
            NOW);
    assertEquals(0.845, plan.get("europe-west10").share(), 1e-9);
    assertEquals(0.15, plan.get("us-west1").share(), 1e-9, "no floor needed above 10 %");
    assertEquals(RegionPlanner.MIN_SHARE, plan.get("asia-northeast1").share(), 1e-9);
    assertEquals(0, plan.get("europe-west10").prewarm());
  }

  @Test
  void aFreshDrainPrewarmsTheTargetsByWeightAndAnOldOneNoLonger() {
    Map<String, MinuteBucket> latest =
        Map.of(
            "europe-west10", minute(200, 10),
            "us-west1", minute(60, 3),
            "asia-northeast1", minute(20, 1));
    List<RegionRoutes.Route> drained =
        List.of(
            route("europe-west10", false, 100, NOW.minusSeconds(60)),
            route("us-west1", true, 60, null),
            route("asia-northeast1", true, 20, null));
    Map<String, RegionShare> plan = PLANNER.plan(UNITS, latest, Map.of(), drained, NOW);
    // EU's 200 rps split 60:20 → US expects 210, ASIA 70; 280 rps on 14 instances = 20 per
    assertEquals(0.75, plan.get("us-west1").share(), 1e-9);
    assertEquals(11, plan.get("us-west1").prewarm());
    assertEquals(List.of("europe-west10"), plan.get("us-west1").prewarmFrom());
    assertEquals(4, plan.get("asia-northeast1").prewarm());
    assertEquals(200 / 280.0, plan.get("europe-west10").share(), 1e-9, "EU keeps what it serves");
    assertEquals(0, plan.get("europe-west10").prewarm());

    List<RegionRoutes.Route> old =
        List.of(
            route("europe-west10", false, 100, NOW.minus(Duration.ofMinutes(16))),
            route("us-west1", true, 60, null),
            route("asia-northeast1", true, 20, null));
    assertEquals(0, PLANNER.plan(UNITS, latest, Map.of(), old, NOW).get("us-west1").prewarm());
  }

  @Test
  void aRegionThatStoppedReportingHandsOnItsLastFloor() {
    Map<String, RegionShare> plan =
        PLANNER.plan(
            UNITS,
            Map.of("europe-west10", minute(100, 5), "us-west1", minute(100, 5)),
            Map.of("asia-northeast1", 8),
            List.of(
                route("europe-west10", true, 50, null),
                route("us-west1", true, 50, null),
                route("asia-northeast1", false, 50, null)),
            NOW);
    assertEquals(9, plan.get("europe-west10").prewarm()); // 5 own + 8 / 2
    assertEquals(9, plan.get("us-west1").prewarm());
  }

  @Test
  void oneRegionIsTheWholeService() {
    RegionShare only =
        PLANNER
            .plan(List.of("europe-west10"), Map.of(), Map.of(), List.of(), NOW)
            .get("europe-west10");
    assertEquals(1.0, only.share(), 1e-9);
    assertEquals(
        new ScalingController.Bounds(2, 100, "rule"),
        ScalingController.regional(new ScalingController.Bounds(2, 100, "rule"), only));
  }

  @Test
  void regionalBoundsTakeTheShareAndThePrewarmFloor() {
    ScalingController.Bounds service = new ScalingController.Bounds(2, 100, "rule");
    assertEquals(
        new ScalingController.Bounds(1, 25, "rule"),
        ScalingController.regional(service, new RegionShare("us-west1", 0.25, 0, List.of())));
    assertEquals(
        new ScalingController.Bounds(30, 30, "rule+prewarm"),
        ScalingController.regional(
            service, new RegionShare("us-west1", 0.1, 30, List.of("europe-west10"))));
  }
}

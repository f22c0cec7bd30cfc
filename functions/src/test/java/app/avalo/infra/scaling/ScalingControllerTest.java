package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.scaling.ScalingController.Action;
import app.avalo.infra.scaling.ScalingController.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision rules, one row per situation, without Firestore. */
class ScalingControllerTest {
  static final Instant NOW = Instant.parse("2026-03-02T10:00:20Z");
  static final ScalingRule FUNCTIONS =
      LogicalService.FUNCTIONS.defaultRule(300); // 2..100, 60%/30%, 60 s
  static final ScalingController CONTROLLER =
      new ScalingController(0.10, Duration.ofMinutes(3), 1000);

  /** One row: the situation and what must come out. */
  record Case(
      String name,
      List<MinuteBucket> metrics,
      ServiceState state,
      Burst burst,
      ManualOverride override,
      Action action,
      String reason,
      int desired) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Minute buckets ending at the minute before NOW, oldest first, one CPU value per minute. */
  static List<MinuteBucket> cpu(int instances, double... perMinute) {
    List<MinuteBucket> buckets = new ArrayList<>();
    Instant last = Instant.parse("2026-03-02T09:59:00Z");
    for (int i = 0; i < perMinute.length; i++) {
      Instant minute = last.minusSeconds(60L * (perMinute.length - 1 - i));
      buckets.add(
          new MinuteBucket(
              minute, 6, perMinute[i], 0.5, 100, instances, minute.plusSeconds(55), instances));
    }
    return buckets;
  }

  static ServiceState desired(int n) {
    return state(n, null, null);
  }

  static ServiceState state(int desired, String lastScaleAction, Instant lastScaleAt) {
    return new ServiceState(
        3,
        desired,
        desired,
        100,
        lastScaleAction,
        lastScaleAt,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        java.util.Map.of());
  }

  static Burst burst(Instant expiresAt) {
    return new Burst(
        true,
        "manual",
        "promotion",
        NOW.minusSeconds(600),
        expiresAt,
        "admin",
        null,
        null,
        null,
        null,
        null);
  }

  static ManualOverride pin(Integer min, Integer max, Integer instances, Instant expiresAt) {
    return new ManualOverride(min, max, instances, NOW.minusSeconds(600), expiresAt, "admin");
  }

  static Stream<Case> cases() {
    Instant future = NOW.plusSeconds(600);
    Instant past = NOW.minusSeconds(1);
    return Stream.of(
        new Case(
            "a scale-up within ±10% of the previous floor is not made",
            cpu(19, 0.62), desired(26), null, null, Action.NO_CHANGE, "within_tolerance", 26),
        new Case(
            "CPU at target, between the thresholds, keeps the count",
            cpu(4, 0.47),
            desired(4),
            null,
            null,
            Action.NO_CHANGE,
            "between_thresholds",
            4),
        new Case(
            "a scale-up at most doubles the floor in one step",
            cpu(10, 0.99),
            desired(10),
            null,
            null,
            Action.SCALE_UP,
            "rate_limited",
            20),
        new Case(
            "a small floor may grow by four in one step",
            cpu(2, 0.99),
            desired(2),
            null,
            null,
            Action.SCALE_UP,
            "cpu_above_threshold",
            5),
        new Case(
            "CPU between thresholds but outside tolerance keeps the count",
            cpu(4, 0.55),
            desired(4),
            null,
            null,
            Action.NO_CHANGE,
            "between_thresholds",
            4),
        new Case(
            "spike scales up at once by the formula",
            cpu(4, 0.40, 0.90),
            desired(4),
            null,
            null,
            Action.SCALE_UP,
            "cpu_above_threshold",
            8),
        new Case(
            "scale-up just above the threshold adds one instance",
            cpu(2, 0.61),
            desired(2),
            null,
            null,
            Action.SCALE_UP,
            "cpu_above_threshold",
            3),
        new Case(
            "scale-up is capped at max",
            cpu(80, 0.95),
            desired(80),
            null,
            null,
            Action.SCALE_UP,
            "cpu_above_threshold",
            100),
        new Case(
            "already at max stays",
            cpu(100, 0.95),
            desired(100),
            null,
            null,
            Action.NO_CHANGE,
            "at_maximum",
            100),
        new Case(
            "second scale-up inside the cooldown holds",
            cpu(8, 0.90),
            state(8, "scale_up", NOW.minusSeconds(30)),
            null,
            null,
            Action.HOLD,
            "cooldown",
            8),
        new Case(
            "scale-up right at the end of the cooldown goes",
            cpu(8, 0.90),
            state(8, "scale_up", NOW.minusSeconds(60)),
            null,
            null,
            Action.SCALE_UP,
            "cpu_above_threshold",
            16),
        new Case(
            "scale-up right after a scale-down is not delayed",
            cpu(4, 0.90),
            state(4, "scale_down", NOW.minusSeconds(10)),
            null,
            null,
            Action.SCALE_UP,
            "cpu_above_threshold",
            8),
        new Case(
            "low CPU for part of the window holds",
            cpu(10, 0.5, 0.5, 0.2, 0.2, 0.2),
            desired(10),
            null,
            null,
            Action.HOLD,
            "stabilising",
            10),
        new Case(
            "low CPU for the whole window scales down by the busiest minute",
            cpu(10, 0.2, 0.25, 0.2, 0.1, 0.2),
            desired(10),
            null,
            null,
            Action.SCALE_DOWN,
            "cpu_below_threshold_stable",
            6),
        new Case(
            "a gap in the window is not low CPU",
            gap(cpu(10, 0.2, 0.2, 0.2, 0.2, 0.2), 2),
            desired(10),
            null,
            null,
            Action.HOLD,
            "stabilising",
            10),
        new Case(
            "low CPU for the whole window inside the cooldown holds",
            cpu(10, 0.2, 0.2, 0.2, 0.2, 0.2),
            state(10, "scale_up", NOW.minusSeconds(59)),
            null,
            null,
            Action.HOLD,
            "cooldown",
            10),
        new Case(
            "scale-down never goes below min",
            cpu(3, 0.1, 0.1, 0.1, 0.1, 0.1),
            desired(3),
            null,
            null,
            Action.SCALE_DOWN,
            "cpu_below_threshold_stable",
            2),
        new Case(
            "at min stays",
            cpu(2, 0.1, 0.1, 0.1, 0.1, 0.1),
            desired(2),
            null,
            null,
            Action.NO_CHANGE,
            "at_minimum",
            2),
        new Case(
            "no metrics holds the previous desired",
            List.of(),
            desired(7),
            null,
            null,
            Action.HOLD,
            "metrics_missing",
            7),
        new Case(
            "stale metrics hold",
            stale(cpu(7, 0.9), 200),
            desired(7),
            null,
            null,
            Action.HOLD,
            "metrics_stale",
            7),
        new Case(
            "first evaluation without metrics starts at min",
            List.of(),
            ServiceState.NONE,
            null,
            null,
            Action.HOLD,
            "metrics_missing",
            2),
        new Case(
            "live override pins the count even without metrics",
            List.of(),
            desired(7),
            null,
            pin(null, null, 12, future),
            Action.SCALE_UP,
            "override",
            12),
        new Case(
            "live override pin already in place",
            cpu(12, 0.9),
            desired(12),
            null,
            pin(null, null, 12, future),
            Action.NO_CHANGE,
            "override",
            12),
        new Case(
            "expired override no longer counts",
            cpu(12, 0.47),
            desired(12),
            null,
            pin(null, null, 12, past),
            Action.NO_CHANGE,
            "between_thresholds",
            12),
        new Case(
            "override min above the rule max raises max too",
            cpu(4, 0.47),
            desired(4),
            null,
            pin(150, null, null, future),
            Action.SCALE_UP,
            "bounds_changed",
            150),
        new Case(
            "override max caps a scale-up",
            cpu(10, 0.9),
            desired(10),
            null,
            pin(null, 12, null, future),
            Action.SCALE_UP,
            "cpu_above_threshold",
            12),
        new Case(
            "burst raises max for a scale-up",
            cpu(200, 0.9),
            desired(100),
            burst(future),
            null,
            Action.SCALE_UP,
            "cpu_above_threshold",
            400),
        new Case(
            "burst holds scale-downs",
            cpu(200, 0.1, 0.1, 0.1, 0.1, 0.1),
            desired(200),
            burst(null),
            null,
            Action.HOLD,
            "burst_active",
            200),
        new Case(
            "expired burst: desired falls back inside the rule's max",
            cpu(400, 0.47),
            desired(400),
            burst(past),
            null,
            Action.SCALE_DOWN,
            "bounds_changed",
            100),
        new Case(
            "zero reported instances count as one, so the floor already covers it",
            cpu(0, 0.9),
            desired(2),
            null,
            null,
            Action.NO_CHANGE,
            "already_provisioned",
            2));
  }

  static List<MinuteBucket> gap(List<MinuteBucket> buckets, int index) {
    List<MinuteBucket> copy = new ArrayList<>(buckets);
    copy.remove(index);
    return copy;
  }

  static List<MinuteBucket> stale(List<MinuteBucket> buckets, long ageSeconds) {
    MinuteBucket b = buckets.get(buckets.size() - 1);
    return List.of(
        new MinuteBucket(
            b.minute(),
            b.samples(),
            b.cpu(),
            b.memory(),
            b.rps(),
            b.instancesAvg(),
            NOW.minusSeconds(ageSeconds),
            b.lastInstances()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(Case c) {
    Decision d =
        CONTROLLER.decide(
            new ScalingController.Inputs(
                NOW, FUNCTIONS, c.burst(), c.override(), c.metrics(), c.state()));
    assertEquals(c.action(), d.action(), c.name() + ": " + d.message());
    assertEquals(c.reason(), d.reason(), c.name() + ": " + d.message());
    assertEquals(c.desired(), d.desiredInstances(), c.name() + ": " + d.message());
  }

  @Test
  void decisionRecordsItsInputs() {
    Decision d =
        CONTROLLER.decide(
            new ScalingController.Inputs(
                NOW, FUNCTIONS, null, null, cpu(10, 0.2, 0.25, 0.2, 0.1, 0.2), desired(10)));
    DecisionInputs.Evaluated inputs = (DecisionInputs.Evaluated) d.inputs();
    assertEquals(0.2, inputs.cpu(), 1e-9);
    assertEquals(0.25, inputs.windowMaxCpu(), 1e-9);
    assertEquals(5, inputs.lowMinutes());
    assertEquals(0.45, inputs.targetCpu(), 1e-9);
    assertEquals(6, inputs.computedInstances());
    assertTrue(d.message().contains("25%"), d.message());
  }

  @Test
  void targetIsTheMidpointOfTheThresholdsUnlessTheRuleSetsIt() {
    assertEquals(0.45, FUNCTIONS.targetCpu(), 1e-9);
    assertEquals("midpoint", FUNCTIONS.targetSource());
    ScalingRule explicit = new ScalingRule("ai", 2, 30, 0.7, 0.2, 0.5, 180, 300);
    assertEquals(0.5, explicit.targetCpu(), 1e-9);
    assertTrue(explicit.problems().isEmpty());
    ScalingRule broken = new ScalingRule("ai", 5, 3, 0.3, 0.6, 0.9, -1, 10);
    assertEquals(5, broken.problems().size(), broken.problems().toString());
  }
}

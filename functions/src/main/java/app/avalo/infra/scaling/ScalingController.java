package app.avalo.infra.scaling;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides one service's desired instance count. Pure: everything it needs arrives in {@link
 * Inputs}, so the rules below are tested without Firestore.
 *
 * <ol>
 *   <li>Bounds: the rule's [min, max]; burst protection raises max to the burst maximum; a live
 *       manual override replaces them (fixed {@code instances} pins both).
 *   <li>Per region: the bounds are scaled by the region's {@link RegionShare} (its part of the
 *       routed traffic) and the min is raised to its pre-warm floor.
 *   <li>No metrics, or the newest sample older than the staleness limit: hold the previous desired.
 *   <li>CPU above the scale-up threshold: {@code desired = ceil(current × cpu / target)} at once,
 *       unless the last change was a scale-up still inside its cooldown (new instances need that
 *       long to take load; a scale-up right after a scale-down is never delayed). One step grows
 *       the floor at most to {@code max(2 × base, base + 4)} (base: the larger of the previous
 *       desired and the current count), as Kubernetes' HPA limits scale-up rates: a burst of bad
 *       metrics cannot jump a service to its maximum in one minute.
 *   <li>CPU below the scale-down threshold: only when every minute of the stabilisation window was
 *       below it, no burst is live and no change happened within the cooldown; {@code desired =
 *       ceil(current × max-cpu-in-window / target)} (the busiest minute decides).
 *   <li>A computed change of at most ±tolerance of the previous desired is not made ({@code
 *       within_tolerance}): it keeps Cloud Run from being updated for a one-instance wobble of a
 *       large floor. (The tolerance is on the instance count, not on {@code cpu / target}: the
 *       thresholds' dead band is wider than any tolerance, so a ratio band never decided anything.)
 *   <li>The result is clamped to the bounds. When bounds move (burst ends, override expires) the
 *       previous desired is re-clamped even while holding: bounds are policy, not load.
 * </ol>
 *
 * <p>{@code desired} is the floor the actuator keeps warm (Cloud Run min instances); Cloud Run's
 * own autoscaler may run more, up to the max bound, so "current" is what the service reports.
 */
public final class ScalingController {
  private final double tolerance;
  private final Duration staleAfter;
  private final int burstMaxInstances;

  public ScalingController(double tolerance, Duration staleAfter, int burstMaxInstances) {
    this.tolerance = tolerance;
    this.staleAfter = staleAfter;
    this.burstMaxInstances = burstMaxInstances;
  }

  /**
   * What a decision is made from. {@code recent} holds the minute buckets that exist, oldest first.
   */
  public record Inputs(
      Instant now,
      ScalingRule rule,
      Burst burst,
      ManualOverride override,
      List<MinuteBucket> recent,
      ServiceState state,
      RegionShare region) {
    /** A whole-service decision (metrics not per region). */
    public Inputs(
        Instant now,
        ScalingRule rule,
        Burst burst,
        ManualOverride override,
        List<MinuteBucket> recent,
        ServiceState state) {
      this(now, rule, burst, override, recent, state, RegionShare.whole());
    }
  }

  /** Instance bounds in force and where they came from. */
  public record Bounds(int min, int max, String source) {
    int clamp(int n) {
      return Math.max(min, Math.min(max, n));
    }
  }

  /** The outcome; {@code inputs} is what the event records. */
  public record Decision(
      Action action,
      String reason,
      String message,
      Integer currentInstances,
      int desiredInstances,
      Integer previousDesired,
      Bounds bounds,
      long cooldownRemainingSeconds,
      DecisionInputs inputs) {

    public boolean changed() {
      return action == Action.SCALE_UP || action == Action.SCALE_DOWN;
    }
  }

  /** What the controller did. */
  public enum Action {
    SCALE_UP,
    SCALE_DOWN,
    /** Nothing to change. */
    NO_CHANGE,
    /**
     * A change may be due but is not made yet (cooldown, stabilising, missing metrics, bad rule).
     */
    HOLD;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Bounds bounds(ScalingRule rule, Burst burst, ManualOverride override, Instant now) {
    int min = rule.minInstances();
    int max = rule.maxInstances();
    String source = "rule";
    if (burst != null && burst.liveAt(now)) {
      max = Math.max(max, burstMaxInstances);
      source = "burst";
    }
    if (override != null && override.liveAt(now)) {
      if (override.instances() != null) {
        return new Bounds(override.instances(), override.instances(), "override");
      }
      // The override wins: an explicit bound it sets pulls the other one along if they cross.
      if (override.minInstances() != null) {
        min = override.minInstances();
        max = Math.max(max, min);
      }
      if (override.maxInstances() != null) {
        max = override.maxInstances();
        min = Math.min(min, max);
      }
      source = "override";
    }
    return new Bounds(min, max, source);
  }

  /**
   * One region's part of the service's bounds: {@code ceil(share × bound)} each (a region keeps at
   * least one instance of max), the min raised to the pre-warm floor, never above the max unless
   * the bounds pin a count.
   */
  static Bounds regional(Bounds service, RegionShare region) {
    if (region.isWhole()) {
      return service;
    }
    int max =
        Math.max(
            Math.max(1, ceil(service.max() * region.share())),
            Math.min(region.prewarm(), service.max()));
    int min = Math.min(max, Math.max(ceil(service.min() * region.share()), region.prewarm()));
    String source =
        region.prewarm() > ceil(service.min() * region.share())
            ? service.source() + "+prewarm"
            : service.source();
    return new Bounds(min, max, source);
  }

  /** The most one scale-up may set the floor to: double, or four more, whichever is larger. */
  static int scaleUpLimit(int base) {
    return Math.max(2 * base, base + SCALE_UP_STEP);
  }

  static final int SCALE_UP_STEP = 4;

  public Decision decide(Inputs in) {
    return new Evaluation(in).run();
  }

  /** One decision's working state. */
  private final class Evaluation {
    private final Inputs in;
    private final ScalingRule rule;
    private final Bounds bounds;
    private final Integer previous;
    private Integer current;
    // what the decision is made from, as far as it got: recorded as the event's inputs
    private MinuteBucket latest;
    private Long metricsAgeSeconds;
    private Double ratio;
    private Integer computed;
    private Integer windowMinutes;
    private Integer windowBuckets;
    private Integer lowMinutes;
    private Double windowMaxCpu;
    private Integer rateLimit;
    private final long cooldownRemaining;
    private final long upCooldownRemaining;

    Evaluation(Inputs in) {
      this.in = in;
      this.rule = in.rule();
      this.bounds = regional(bounds(rule, in.burst(), in.override(), in.now()), in.region());
      this.previous = in.state().desiredInstances();
      Instant lastScale = in.state().lastScaleAt();
      long remaining =
          lastScale == null
              ? 0
              : Math.max(
                  0,
                  Duration.between(in.now(), lastScale.plusSeconds(rule.cooldownSeconds()))
                      .toSeconds());
      this.cooldownRemaining = remaining;
      this.upCooldownRemaining =
          Action.SCALE_UP.wire().equals(in.state().lastScaleAction()) ? remaining : 0;
    }

    private DecisionInputs inputs() {
      return new DecisionInputs.Evaluated(
          rule.targetCpu(),
          rule.scaleUpCpu(),
          rule.scaleDownCpu(),
          tolerance,
          rule.cooldownSeconds(),
          rule.stabilizationSeconds(),
          bounds.min(),
          bounds.max(),
          bounds.source(),
          previous,
          cooldownRemaining,
          in.burst() != null && in.burst().liveAt(in.now()),
          in.override() != null && in.override().liveAt(in.now()),
          latest == null ? null : latest.cpu(),
          latest == null ? null : latest.memory(),
          latest == null ? null : latest.rps(),
          latest == null ? null : latest.lastInstances(),
          latest == null ? null : latest.samples(),
          latest == null ? null : latest.lastAt().toString(),
          metricsAgeSeconds,
          ratio,
          computed,
          windowMinutes,
          windowBuckets,
          lowMinutes,
          windowMaxCpu,
          rateLimit,
          in.region().region(),
          in.region().share(),
          in.region().prewarm());
    }

    Decision run() {
      if (bounds.source().equals("override") && in.override().instances() != null) {
        int pinned = bounds.min();
        if (previous != null && previous == pinned) {
          return decision(
              Action.NO_CHANGE,
              "override",
              "manual override pins " + pinned + " instances",
              pinned);
        }
        return decision(
            previous == null || pinned > previous ? Action.SCALE_UP : Action.SCALE_DOWN,
            "override",
            "manual override pins " + pinned + " instances",
            pinned);
      }
      List<MinuteBucket> recent = in.recent();
      if (recent.isEmpty()) {
        return settle(Action.HOLD, "metrics_missing", "no metrics reported recently; holding");
      }
      latest = recent.get(recent.size() - 1);
      current = (int) latest.lastInstances();
      long ageSeconds = Duration.between(latest.lastAt(), in.now()).toSeconds();
      metricsAgeSeconds = ageSeconds;
      if (ageSeconds > staleAfter.toSeconds()) {
        return settle(
            Action.HOLD,
            "metrics_stale",
            "newest metrics are "
                + ageSeconds
                + " s old (limit "
                + staleAfter.toSeconds()
                + " s); holding");
      }
      double cpu = latest.cpu();
      double ratio = cpu / rule.targetCpu();
      int basis = Math.max(current, 1);
      this.ratio = ratio;
      if (cpu > rule.scaleUpCpu()) {
        int computed = ceil(basis * ratio);
        this.computed = computed;
        if (upCooldownRemaining > 0) {
          return settle(
              Action.HOLD,
              "cooldown",
              "CPU "
                  + pct(cpu)
                  + " wants "
                  + computed
                  + " instances, but the last scale-up was within the cooldown ("
                  + upCooldownRemaining
                  + " s left)");
        }
        int base = Math.max(previous != null ? previous : 0, current);
        int limit = Math.max(bounds.min(), scaleUpLimit(base));
        this.rateLimit = limit;
        int desired = Math.min(bounds.clamp(computed), limit);
        if (previous != null && desired <= previous) {
          return settle(
              Action.NO_CHANGE,
              desired < computed ? "at_maximum" : "already_provisioned",
              "CPU "
                  + pct(cpu)
                  + " wants "
                  + computed
                  + " instances; "
                  + previous
                  + " already desired (max "
                  + bounds.max()
                  + ")");
        }
        if (withinTolerance(desired)) {
          return settle(
              Action.NO_CHANGE,
              "within_tolerance",
              "CPU "
                  + pct(cpu)
                  + " wants "
                  + desired
                  + " instances, within ±"
                  + pct(tolerance)
                  + " of the "
                  + previous
                  + " desired");
        }
        if (desired < bounds.clamp(computed)) {
          return decision(
              Action.SCALE_UP,
              "rate_limited",
              "CPU "
                  + pct(cpu)
                  + " > "
                  + pct(rule.scaleUpCpu())
                  + ": "
                  + computed
                  + " instances wanted, "
                  + desired
                  + " this minute (at most double or +"
                  + SCALE_UP_STEP
                  + " per step)",
              desired);
        }
        return decision(
            Action.SCALE_UP,
            "cpu_above_threshold",
            "CPU "
                + pct(cpu)
                + " > "
                + pct(rule.scaleUpCpu())
                + ": "
                + computed
                + " instances wanted"
                + (desired < computed ? ", capped at max " + bounds.max() : ""),
            desired);
      }
      if (cpu < rule.scaleDownCpu()) {
        return scaleDown(recent, basis);
      }
      return settle(
          Action.NO_CHANGE,
          "between_thresholds",
          "CPU "
              + pct(cpu)
              + " is between "
              + pct(rule.scaleDownCpu())
              + " and "
              + pct(rule.scaleUpCpu()));
    }

    private Decision scaleDown(List<MinuteBucket> recent, int basis) {
      int windowMinutes = rule.stabilizationMinutes();
      Instant windowStart = latest.minute().minus(windowMinutes - 1L, ChronoUnit.MINUTES);
      List<MinuteBucket> window = new ArrayList<>();
      for (MinuteBucket b : recent) {
        if (!b.minute().isBefore(windowStart)) {
          window.add(b);
        }
      }
      int lowStreak = 0;
      for (int i = window.size() - 1; i >= 0; i--) {
        MinuteBucket b = window.get(i);
        Instant expected = latest.minute().minus(window.size() - 1L - i, ChronoUnit.MINUTES);
        if (b.cpu() >= rule.scaleDownCpu() || !b.minute().equals(expected)) {
          break;
        }
        lowStreak++;
      }
      double windowMax = window.stream().mapToDouble(MinuteBucket::cpu).max().orElse(latest.cpu());
      this.windowMinutes = windowMinutes;
      this.windowBuckets = window.size();
      this.lowMinutes = lowStreak;
      this.windowMaxCpu = windowMax;
      if (in.burst() != null && in.burst().liveAt(in.now())) {
        return settle(
            Action.HOLD,
            "burst_active",
            "CPU "
                + pct(latest.cpu())
                + " is low, but burst protection ("
                + in.burst().trigger()
                + ") keeps capacity");
      }
      if (lowStreak < windowMinutes) {
        return settle(
            Action.HOLD,
            "stabilising",
            "CPU below "
                + pct(rule.scaleDownCpu())
                + " for "
                + lowStreak
                + " of "
                + windowMinutes
                + " minutes of the stabilisation window");
      }
      if (cooldownRemaining > 0) {
        return settle(
            Action.HOLD,
            "cooldown",
            "CPU has been low for the whole window, but the last change was "
                + "within the cooldown ("
                + cooldownRemaining
                + " s left)");
      }
      int computed = ceil(basis * windowMax / rule.targetCpu());
      this.computed = computed;
      int desired = bounds.clamp(computed);
      int reference = previous != null ? previous : current;
      if (desired >= reference) {
        return settle(
            Action.NO_CHANGE,
            desired > computed ? "at_minimum" : "already_lower",
            "CPU low; "
                + computed
                + " instances would do, "
                + reference
                + " desired (min "
                + bounds.min()
                + ")");
      }
      if (withinTolerance(desired)) {
        return settle(
            Action.NO_CHANGE,
            "within_tolerance",
            "CPU low; "
                + desired
                + " instances would do, within ±"
                + pct(tolerance)
                + " of the "
                + reference
                + " desired");
      }
      return decision(
          Action.SCALE_DOWN,
          "cpu_below_threshold_stable",
          "CPU below "
              + pct(rule.scaleDownCpu())
              + " for "
              + windowMinutes
              + " min (peak "
              + pct(windowMax)
              + "): "
              + computed
              + " instances suffice"
              + (desired > computed ? ", kept at min " + bounds.min() : ""),
          desired);
    }

    /** A change to {@code desired} too small to be worth an update of Cloud Run. */
    private boolean withinTolerance(int desired) {
      return previous != null && Math.abs(desired - previous) <= tolerance * previous;
    }

    /** Keeps the previous desired (or a starting point), re-clamped to the bounds in force. */
    private Decision settle(Action action, String reason, String message) {
      int base = previous != null ? previous : (current != null ? current : bounds.min());
      int desired = bounds.clamp(base);
      if (previous != null && desired != previous) {
        return decision(
            desired > previous ? Action.SCALE_UP : Action.SCALE_DOWN,
            "bounds_changed",
            "bounds are now ["
                + bounds.min()
                + ", "
                + bounds.max()
                + "] ("
                + bounds.source()
                + "); "
                + message,
            desired);
      }
      return decision(action, reason, message, desired);
    }

    private Decision decision(Action action, String reason, String message, int desired) {
      return new Decision(
          action, reason, message, current, desired, previous, bounds, cooldownRemaining, inputs());
    }
  }

  /** ceil with a little slack, so 2 × 0.45 / 0.45 is 2 and not 3 through rounding error. */
  static int ceil(double x) {
    return (int) Math.ceil(x - 1e-9);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.0f%%", v * 100);
  }
}

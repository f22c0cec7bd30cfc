package app.avalo.infra.scaling;

import app.avalo.infra.scaling.ScalingController.Bounds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What getScalingStatus and the dashboard show for each service. */
final class ScalingStatusView {
  private static final Duration METRICS_LOOKBACK = Duration.ofMinutes(5);

  private final ScalingStore store;
  private final ServiceMetricsStore metrics;
  private final ScalingController controller;
  private final ScalingConfig config;
  private final String actuatorMode;
  private final Clock clock;

  ScalingStatusView(
      ScalingStore store,
      ServiceMetricsStore metrics,
      ScalingController controller,
      ScalingConfig config,
      String actuatorMode,
      Clock clock) {
    this.store = store;
    this.metrics = metrics;
    this.controller = controller;
    this.config = config;
    this.actuatorMode = actuatorMode;
    this.clock = clock;
  }

  String actuatorMode() {
    return actuatorMode;
  }

  /** {@code getScalingStatus}: every service (or only {@code only}), with its last metrics. */
  StatusReport report(LogicalService only) {
    Instant now = clock.instant();
    return new StatusReport(now, actuatorMode, services(only, now, true));
  }

  /** Status of the given services (all when {@code only} is null). */
  List<ServiceStatus> services(LogicalService only, Instant now, boolean withMetrics) {
    Map<LogicalService, RuleRead> rules = store.rules(config.stabilizationSeconds());
    Map<LogicalService, ServiceState> states = store.states();
    Map<LogicalService, Burst> bursts = store.bursts();
    Map<LogicalService, ManualOverride> overrides = store.overrides();
    List<ServiceStatus> out = new ArrayList<>();
    for (LogicalService s : LogicalService.values()) {
      if (only != null && s != only) {
        continue;
      }
      RuleRead rule = rules.get(s);
      ServiceState st = states.get(s);
      Burst burst = bursts.get(s);
      ManualOverride override = overrides.get(s);
      Bounds bounds = controller.bounds(rule.rule(), burst, override, now);
      MinuteBucket latest = null;
      if (withMetrics) {
        List<MinuteBucket> recent = metrics.minutes(s, now.minus(METRICS_LOOKBACK), now);
        latest = recent.isEmpty() ? null : recent.get(recent.size() - 1);
      }
      out.add(
          new ServiceStatus(
              s.id(),
              config.serviceMap().cloudRunServices(s).stream().map(Object::toString).toList(),
              rule.rule().view(),
              rule.stored(),
              rule.problems(),
              bounds,
              latest != null ? Long.valueOf(latest.lastInstances()) : regionalInstances(st),
              latest == null ? null : lastMetrics(latest, now),
              st.desiredInstances(),
              st.lastDecisionAt() == null
                  ? null
                  : new ServiceStatus.LastDecision(
                      st.lastDecisionAt(),
                      st.lastAction(),
                      st.lastReason(),
                      st.lastMessage(),
                      st.lastEventId()),
              cooldown(rule.rule(), st, now),
              burst == null ? BurstView.NONE : burst.view(now),
              override == null ? OverrideView.NONE : override.view(now),
              new ServiceStatus.Actuation(
                  actuatorMode,
                  st.actuationStatus(),
                  st.actuationError(),
                  st.appliedMin(),
                  st.appliedMax(),
                  st.appliedAt()),
              List.copyOf(st.regions().values())));
    }
    return out;
  }

  /**
   * Without reports of its own, what the last decision saw running over the regions (Cloud
   * Monitoring's count, 2-4 min old); null when no region had a count.
   */
  private static Long regionalInstances(ServiceState st) {
    Long sum = null;
    for (RegionState r : st.regions().values()) {
      if (r.currentInstances() != null) {
        sum = (sum == null ? 0 : sum) + r.currentInstances();
      }
    }
    return sum;
  }

  private static ServiceStatus.LastMetrics lastMetrics(MinuteBucket b, Instant now) {
    return new ServiceStatus.LastMetrics(
        b.minute(),
        b.cpu(),
        b.memory(),
        b.rps(),
        b.lastInstances(),
        b.samples(),
        b.lastAt(),
        Duration.between(b.lastAt(), now).toSeconds());
  }

  /** How long changes are still held back after the last one, and which. */
  private static ServiceStatus.Cooldown cooldown(ScalingRule rule, ServiceState st, Instant now) {
    long remaining = 0;
    Instant until = null;
    if (st.lastScaleAt() != null) {
      until = st.lastScaleAt().plusSeconds(rule.cooldownSeconds());
      remaining = Math.max(0, Duration.between(now, until).toSeconds());
    }
    String blocks;
    if (remaining == 0) {
      blocks = "nothing";
    } else if ("scale_up".equals(st.lastScaleAction())) {
      blocks = "further scale-ups and scale-downs";
    } else {
      blocks = "scale-downs (scale-ups are never delayed after a scale-down)";
    }
    return new ServiceStatus.Cooldown(
        remaining,
        remaining > 0 ? until : null,
        st.lastScaleAction(),
        st.lastScaleAt(),
        rule.cooldownSeconds(),
        blocks);
  }
}

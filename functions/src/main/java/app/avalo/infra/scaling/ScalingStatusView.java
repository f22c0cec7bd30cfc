package app.avalo.infra.scaling;

import app.avalo.infra.scaling.ScalingController.Bounds;
import app.avalo.infra.scaling.ScalingStore.Burst;
import app.avalo.infra.scaling.ScalingStore.ManualOverride;
import app.avalo.infra.scaling.ScalingStore.RuleRead;
import app.avalo.infra.scaling.ScalingStore.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What getScalingStatus and the dashboard show for each service. */
public final class ScalingStatusView {
  private static final Duration METRICS_LOOKBACK = Duration.ofMinutes(5);

  private final ScalingStore store;
  private final ServiceMetricsStore metrics;
  private final ScalingController controller;
  private final ScalingConfig config;
  private final String actuatorMode;

  ScalingStatusView(
      ScalingStore store,
      ServiceMetricsStore metrics,
      ScalingController controller,
      ScalingConfig config,
      String actuatorMode) {
    this.store = store;
    this.metrics = metrics;
    this.controller = controller;
    this.config = config;
    this.actuatorMode = actuatorMode;
  }

  public String actuatorMode() {
    return actuatorMode;
  }

  /** Status of the given services (all when {@code only} is null). */
  public List<Map<String, Object>> services(LogicalService only, Instant now, boolean withMetrics) {
    Map<LogicalService, RuleRead> rules = store.rules(config.stabilizationSeconds());
    Map<LogicalService, ServiceState> states = store.states();
    Map<LogicalService, Burst> bursts = store.bursts();
    Map<LogicalService, ManualOverride> overrides = store.overrides();
    List<Map<String, Object>> out = new ArrayList<>();
    for (LogicalService s : LogicalService.values()) {
      if (only != null && s != only) {
        continue;
      }
      RuleRead rule = rules.get(s);
      ServiceState st = states.get(s);
      Burst burst = bursts.get(s);
      ManualOverride override = overrides.get(s);
      Bounds bounds = controller.bounds(rule.rule(), burst, override, now);
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("service", s.id());
      v.put(
          "cloudRunServices",
          config.serviceMap().cloudRunServices(s).stream().map(Object::toString).toList());
      v.put("rule", rule.rule().view());
      v.put("ruleStored", rule.stored());
      v.put("ruleProblems", rule.problems());
      v.put("bounds", Map.of("min", bounds.min(), "max", bounds.max(), "source", bounds.source()));
      if (withMetrics) {
        List<ServiceMetricsStore.MinuteBucket> recent =
            metrics.minutes(s, now.minus(METRICS_LOOKBACK), now);
        ServiceMetricsStore.MinuteBucket latest =
            recent.isEmpty() ? null : recent.get(recent.size() - 1);
        v.put("currentInstances", latest == null ? null : latest.lastInstances());
        v.put("lastMetrics", latest == null ? null : metricsView(latest, now));
      }
      v.put("desiredInstances", st.desiredInstances());
      Map<String, Object> lastDecision = null;
      if (st.lastDecisionAt() != null) {
        lastDecision = new LinkedHashMap<>();
        lastDecision.put("at", st.lastDecisionAt());
        lastDecision.put("action", st.lastAction());
        lastDecision.put("reason", st.lastReason());
        lastDecision.put("message", st.lastMessage());
        lastDecision.put("eventId", st.lastEventId());
      }
      v.put("lastDecision", lastDecision);
      v.put("cooldown", cooldown(rule.rule(), st, now));
      v.put("burst", burst == null ? Map.of("active", false) : burst.view(now));
      v.put("override", override == null ? Map.of("active", false) : override.view(now));
      Map<String, Object> actuation = new LinkedHashMap<>();
      actuation.put("actuator", actuatorMode);
      actuation.put("status", st.actuationStatus());
      actuation.put("error", st.actuationError());
      actuation.put("appliedMin", st.appliedMin());
      actuation.put("appliedMax", st.appliedMax());
      actuation.put("appliedAt", st.appliedAt());
      v.put("actuation", actuation);
      out.add(v);
    }
    return out;
  }

  private static Map<String, Object> metricsView(ServiceMetricsStore.MinuteBucket b, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("minute", b.minute());
    m.put("cpu", b.cpu());
    m.put("memory", b.memory());
    m.put("rps", b.rps());
    m.put("instances", b.lastInstances());
    m.put("samples", b.samples());
    m.put("at", b.lastAt());
    m.put("ageSeconds", Duration.between(b.lastAt(), now).toSeconds());
    return m;
  }

  /** How long changes are still held back after the last one, and which. */
  private static Map<String, Object> cooldown(ScalingRule rule, ServiceState st, Instant now) {
    Map<String, Object> c = new LinkedHashMap<>();
    long remaining = 0;
    Instant until = null;
    if (st.lastScaleAt() != null) {
      until = st.lastScaleAt().plusSeconds(rule.cooldownSeconds());
      remaining = Math.max(0, Duration.between(now, until).toSeconds());
    }
    c.put("remainingSeconds", remaining);
    c.put("until", remaining > 0 ? until : null);
    c.put("lastScaleAction", st.lastScaleAction());
    c.put("lastScaleAt", st.lastScaleAt());
    c.put("cooldownSeconds", rule.cooldownSeconds());
    String blocks;
    if (remaining == 0) {
      blocks = "nothing";
    } else if ("scale_up".equals(st.lastScaleAction())) {
      blocks = "further scale-ups and scale-downs";
    } else {
      blocks = "scale-downs (scale-ups are never delayed after a scale-down)";
    }
    c.put("blocks", blocks);
    return c;
  }
}

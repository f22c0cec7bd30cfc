package app.avalo.infra.scaling;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code scalingEvents/{id}}: the decision log. Two kinds share the collection — {@code decision}
 * (an evaluation, with the figures it was made from in {@code inputs} and what the actuator did in
 * {@code actuation}) and {@code burst} (burst protection on or off). Every event carries {@code
 * expireAt} ({@code at} plus the retention) for a Firestore TTL policy.
 */
final class ScalingEventCodec {
  private ScalingEventCodec() {}

  static Map<String, Object> decision(RecordedDecision r, Duration retention) {
    ScalingController.Decision d = r.decision();
    return DocWriter.create()
        .field("service", r.service().id())
        .field("at", r.at())
        .field("trigger", r.trigger())
        .field("kind", "decision")
        .field("action", d.action().wire())
        .field("reason", d.reason())
        .field("message", d.message())
        .fieldOrNull("currentInstances", d.currentInstances())
        .field("desiredInstances", d.desiredInstances())
        .fieldOrNull("previousDesired", d.previousDesired())
        .field("boundsMin", d.bounds().min())
        .field("boundsMax", d.bounds().max())
        .field("boundsSource", d.bounds().source())
        .field("cooldownRemainingSeconds", d.cooldownRemainingSeconds())
        .field("inputs", inputs(d.inputs()))
        .field("metricsSource", r.metricsSource())
        .field(
            "regions",
            r.regions().stream()
                .map(
                    rd ->
                        DocWriter.create()
                            .field("region", rd.share().region())
                            .field("action", rd.decision().action().wire())
                            .field("reason", rd.decision().reason())
                            .fieldOrNull("currentInstances", rd.decision().currentInstances())
                            .field("desiredInstances", rd.decision().desiredInstances())
                            .field("minInstances", rd.decision().bounds().min())
                            .field("maxInstances", rd.decision().bounds().max())
                            .field("share", rd.share().share())
                            .field("prewarm", rd.share().prewarm())
                            .field("prewarmFrom", rd.share().prewarmFrom())
                            .field("message", rd.decision().message())
                            .map())
                .toList())
        .field(
            "actuation",
            DocWriter.create()
                .field("actuator", r.actuator())
                .field("status", r.actuate() ? "pending" : "not_needed"))
        .field("expireAt", r.at().plus(retention))
        .map();
  }

  /** What replaces the event's {@code actuation} once the actuator has run. */
  static Map<String, Object> actuation(ActuationReport report) {
    return DocWriter.create()
        .field("actuator", report.actuator())
        .field("status", report.status())
        .field(
            "targets",
            report.targets().stream()
                .map(
                    t ->
                        DocWriter.create()
                            .field("cloudRunService", t.cloudRunService())
                            .field("minInstances", t.minInstances())
                            .field("maxInstances", t.maxInstances())
                            .field("status", t.status())
                            .field("error", t.error()))
                .toList())
        .map();
  }

  static Map<String, Object> burst(BurstEvent e, Duration retention) {
    Burst b = e.burst();
    return DocWriter.create()
        .field("service", e.service().id())
        .field("at", e.at())
        .field("kind", "burst")
        .fieldOrNull("trigger", b.trigger())
        .field("action", e.action())
        .fieldOrNull("reason", e.reason())
        .field("message", e.message())
        .field(
            "inputs",
            DocWriter.create()
                // a string here, unlike the burst document's timestamp
                .fieldOrNull("expiresAt", b.expiresAt() == null ? null : b.expiresAt().toString())
                .fieldOrNull("baselineRps", b.baselineRps())
                .fieldOrNull("peakRps", b.peakRps())
                .fieldOrNull("by", b.by()))
        .field("expireAt", e.at().plus(retention))
        .map();
  }

  /** An event as history lists it: its id, then every field but {@code expireAt}. */
  static StoredEvent read(QueryDocumentSnapshot doc) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", doc.getId());
    for (Map.Entry<String, Object> e : doc.getData().entrySet()) {
      if (e.getKey().equals("expireAt")) {
        continue;
      }
      view.put(
          e.getKey(), e.getValue() instanceof Timestamp t ? Firestores.instant(t) : e.getValue());
    }
    return new StoredEvent(doc.getId(), DocReader.of(doc).instant("at"), view);
  }

  private static DocWriter inputs(DecisionInputs inputs) {
    return switch (inputs) {
      case DecisionInputs.RuleInvalid r -> DocWriter.create().field("problems", r.problems());
      case DecisionInputs.Evaluated i ->
          DocWriter.create()
              .field("targetCpu", i.targetCpu())
              .field("scaleUpCpu", i.scaleUpCpu())
              .field("scaleDownCpu", i.scaleDownCpu())
              .field("tolerance", i.tolerance())
              .field("cooldownSeconds", i.cooldownSeconds())
              .field("stabilizationSeconds", i.stabilizationSeconds())
              .field("boundsMin", i.boundsMin())
              .field("boundsMax", i.boundsMax())
              .field("boundsSource", i.boundsSource())
              .fieldOrNull("previousDesired", i.previousDesired())
              .field("cooldownRemainingSeconds", i.cooldownRemainingSeconds())
              .field("burst", i.burst())
              .field("override", i.override())
              // the rest only as far as the controller got
              .field("cpu", i.cpu())
              .field("memory", i.memory())
              .field("rps", i.rps())
              .field("instances", i.instances())
              .field("samples", i.samples())
              .field("metricsAt", i.metricsAt())
              .field("metricsAgeSeconds", i.metricsAgeSeconds())
              .field("ratio", i.ratio())
              .field("computedInstances", i.computedInstances())
              .field("windowMinutes", i.windowMinutes())
              .field("windowBuckets", i.windowBuckets())
              .field("lowMinutes", i.lowMinutes())
              .field("windowMaxCpu", i.windowMaxCpu())
              .field("rateLimit", i.rateLimit())
              .field("region", i.region())
              .field("regionShare", i.regionShare())
              .field("prewarm", i.prewarm());
    };
  }
}

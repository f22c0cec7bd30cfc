package app.avalo.infra.scaling;

import static app.avalo.infra.scaling.ManualOverrideCodec.integer;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code scalingState/{service}}: written only by evaluations, as merges — a decision sets the
 * intent (and bumps {@code revision}), an actuation what was applied — so neither clobbers the
 * other's fields.
 */
final class ServiceStateCodec {
  private ServiceStateCodec() {}

  static ServiceState read(DocumentSnapshot doc) {
    if (!doc.exists()) {
      return ServiceState.NONE;
    }
    DocReader d = DocReader.of(doc);
    return new ServiceState(
        revision(doc),
        integer(d, "desiredInstances"),
        integer(d, "targetMin"),
        integer(d, "targetMax"),
        d.optionalString("lastScaleAction").orElse(null),
        d.optionalInstant("lastScaleAt").orElse(null),
        d.optionalInstant("lastDecisionAt").orElse(null),
        d.optionalString("lastAction").orElse(null),
        d.optionalString("lastReason").orElse(null),
        d.optionalString("lastMessage").orElse(null),
        d.optionalString("lastEventId").orElse(null),
        integer(d, "appliedMin"),
        integer(d, "appliedMax"),
        d.optionalInstant("appliedAt").orElse(null),
        d.optionalString("actuationStatus").orElse(null),
        d.optionalString("actuationError").orElse(null),
        d.optionalString("appliedTargets").orElse(null),
        regions(d));
  }

  private static Map<String, RegionState> regions(DocReader d) {
    Map<String, RegionState> out = new LinkedHashMap<>();
    DocReader regions = d.optionalMap("regions").orElse(null);
    if (regions == null) {
      return out;
    }
    for (String region : regions.fieldNames()) {
      DocReader r = regions.map(region);
      out.put(
          region,
          new RegionState(
              region,
              integer(r, "desiredInstances"),
              integer(r, "currentInstances"),
              r.optionalLong("minInstances").orElse(0L).intValue(),
              r.optionalLong("maxInstances").orElse(0L).intValue(),
              r.optionalDouble("share").orElse(1.0),
              r.optionalLong("prewarm").orElse(0L).intValue(),
              r.optionalString("lastAction").orElse(null),
              r.optionalString("lastReason").orElse(null),
              r.optionalString("lastScaleAction").orElse(null),
              r.optionalInstant("lastScaleAt").orElse(null)));
    }
    return out;
  }

  /** The stored revision; 0 when the service has no state yet. */
  static long revision(DocumentSnapshot doc) {
    return doc.exists() ? DocReader.of(doc).optionalLong("revision").orElse(0L) : 0;
  }

  /** The merge a committed decision makes; {@code lastScale…} only when it changed the count. */
  static Map<String, Object> decided(RecordedDecision r, long revision) {
    ScalingController.Decision d = r.decision();
    DocWriter w =
        DocWriter.create()
            .field("desiredInstances", d.desiredInstances())
            .field("targetMin", r.targetMin())
            .field("targetMax", r.targetMax())
            .field("lastDecisionAt", r.at())
            .field("lastAction", d.action().wire())
            .field("lastReason", d.reason())
            .field("lastMessage", d.message());
    if (d.changed()) {
      w.field("lastScaleAction", d.action().wire()).field("lastScaleAt", r.at());
    }
    Map<String, Object> regions = new LinkedHashMap<>();
    for (RegionDecision rd : r.regions()) {
      ScalingController.Decision x = rd.decision();
      RegionState previous = r.previousRegions().get(rd.share().region());
      DocWriter region =
          DocWriter.create()
              .field("desiredInstances", x.desiredInstances())
              .fieldOrNull("currentInstances", x.currentInstances())
              .field("minInstances", x.bounds().min())
              .field("maxInstances", x.bounds().max())
              .field("share", rd.share().share())
              .field("prewarm", rd.share().prewarm())
              .field("lastAction", x.action().wire())
              .field("lastReason", x.reason());
      if (x.changed()) {
        region.field("lastScaleAction", x.action().wire()).field("lastScaleAt", r.at());
      } else if (previous != null && previous.lastScaleAt() != null) {
        region
            .field("lastScaleAction", previous.lastScaleAction())
            .field("lastScaleAt", previous.lastScaleAt());
      }
      regions.put(rd.share().region(), region.map());
    }
    // replaced whole, so a region no longer mapped disappears
    w.field("regions", regions);
    return w.field("service", r.service().id())
        .field("revision", revision)
        .field("lastEventId", r.eventId())
        .map();
  }

  /**
   * The merge an actuation makes: its status and error (cleared when it went well), and the bounds
   * applied only when every target took them.
   */
  static Map<String, Object> actuated(
      Actuator.Result result, int targetMin, int targetMax, String targetsKey, Instant at) {
    DocWriter w =
        DocWriter.create()
            .field("actuationStatus", result.status())
            .field("actuationAt", at)
            .fieldOrNull("actuationError", result.ok() ? null : result.errors());
    if (result.ok()) {
      w.field("appliedMin", targetMin)
          .field("appliedMax", targetMax)
          .field("appliedTargets", targetsKey)
          .field("appliedAt", at);
    }
    return w.map();
  }
}

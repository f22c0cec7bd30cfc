package app.avalo.infra.scaling;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.util.Map;

/** {@code scalingBursts/{service}}: every field written, unset ones as explicit nulls. */
final class BurstCodec {
  private BurstCodec() {}

  /** The stored burst, or null when the service never had one. */
  static Burst read(DocumentSnapshot doc) {
    if (!doc.exists()) {
      return null;
    }
    DocReader d = DocReader.of(doc);
    return new Burst(
        d.optionalBool("active").orElse(false),
        d.optionalString("trigger").orElse(null),
        d.optionalString("reason").orElse(null),
        d.optionalInstant("since").orElse(null),
        d.optionalInstant("expiresAt").orElse(null),
        d.optionalString("by").orElse(null),
        d.optionalDouble("baselineRps").orElse(null),
        d.optionalDouble("peakRps").orElse(null),
        d.optionalInstant("normalSince").orElse(null),
        d.optionalInstant("endedAt").orElse(null),
        d.optionalString("endReason").orElse(null));
  }

  static Map<String, Object> write(LogicalService service, Burst b) {
    return DocWriter.create()
        .fieldOrNull("service", service.id())
        .fieldOrNull("active", b.active())
        .fieldOrNull("trigger", b.trigger())
        .fieldOrNull("reason", b.reason())
        .fieldOrNull("since", b.since())
        .fieldOrNull("expiresAt", b.expiresAt())
        .fieldOrNull("by", b.by())
        .fieldOrNull("baselineRps", b.baselineRps())
        .fieldOrNull("peakRps", b.peakRps())
        .fieldOrNull("normalSince", b.normalSince())
        .fieldOrNull("endedAt", b.endedAt())
        .fieldOrNull("endReason", b.endReason())
        .map();
  }
}

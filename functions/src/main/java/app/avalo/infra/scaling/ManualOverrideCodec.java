package app.avalo.infra.scaling;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.util.Map;

/** {@code scalingOverrides/{service}}: every field written, unset ones as explicit nulls. */
final class ManualOverrideCodec {
  private ManualOverrideCodec() {}

  /** The stored override (live or expired), or null when the service never had one. */
  static ManualOverride read(DocumentSnapshot doc) {
    if (!doc.exists()) {
      return null;
    }
    DocReader d = DocReader.of(doc);
    return new ManualOverride(
        integer(d, "minInstances"),
        integer(d, "maxInstances"),
        integer(d, "instances"),
        d.optionalInstant("setAt").orElse(null),
        d.optionalInstant("expiresAt").orElse(null),
        d.optionalString("by").orElse(null));
  }

  static Map<String, Object> write(LogicalService service, ManualOverride o) {
    return DocWriter.create()
        .fieldOrNull("service", service.id())
        .fieldOrNull("minInstances", o.minInstances())
        .fieldOrNull("maxInstances", o.maxInstances())
        .fieldOrNull("instances", o.instances())
        .fieldOrNull("setAt", o.setAt())
        .fieldOrNull("expiresAt", o.expiresAt())
        .fieldOrNull("by", o.by())
        .map();
  }

  static Integer integer(DocReader d, String field) {
    return d.optionalLong(field).map(Long::intValue).orElse(null);
  }
}

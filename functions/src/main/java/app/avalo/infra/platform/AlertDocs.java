package app.avalo.infra.platform;

import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;

/**
 * The codec of {@code systemAlerts/{id}} and its pointer {@code alertKeys/{source}~{key}}: the only
 * place their field names are written.
 */
final class AlertDocs {
  private AlertDocs() {}

  static boolean isOpen(DocumentSnapshot alert) {
    return "open".equals(DocReader.of(alert).optionalString("status").orElse(null));
  }

  /** A new open alert. */
  static Map<String, Object> open(
      String source,
      String key,
      Alerts.Severity severity,
      String message,
      Map<String, Object> details,
      Instant now) {
    return DocWriter.create()
        .field("source", source)
        .field("key", key)
        .field("severity", severity)
        .field("severityRank", (long) severity.rank())
        .field("message", message)
        .field("details", details == null ? Map.of() : details)
        .field("status", "open")
        .field("openedAt", now)
        .field("lastSeen", now)
        .field("count", 1L)
        .map();
  }

  /** The update of an open alert raised again: seen again, counted, escalated (never lowered). */
  static Map<String, Object> repeat(
      DocumentSnapshot current,
      Alerts.Severity severity,
      String message,
      Map<String, Object> details,
      Instant now) {
    DocReader d = DocReader.of(current);
    DocWriter update =
        DocWriter.create()
            .field("lastSeen", now)
            .field("count", d.longValue("count") + 1)
            .field("message", message)
            .field("details", details == null ? Map.of() : details);
    if (severity.rank() > d.longValue("severityRank")) {
      update.field("severity", severity).field("severityRank", (long) severity.rank());
    }
    return update.map();
  }

  /** The update that resolves an alert. */
  static Map<String, Object> closing(String resolvedBy, String note, Instant at) {
    return DocWriter.create()
        .field("status", "resolved")
        .field("resolvedAt", at)
        .fieldOrNull("resolvedBy", resolvedBy)
        .fieldOrNull("resolutionNote", note)
        .map();
  }

  static Map<String, Object> pointer(String source, String key, String openAlertId) {
    return DocWriter.create()
        .field("source", source)
        .field("key", key)
        .field("openAlertId", openAlertId)
        .map();
  }
}

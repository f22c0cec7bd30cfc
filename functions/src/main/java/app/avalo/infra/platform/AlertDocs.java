package app.avalo.infra.platform;

import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The codec of {@code systemAlerts/{id}} and its pointer {@code alertKeys/{source}~{key}}: the only
 * place their field names are written.
 */
final class AlertDocs {
  /** How long a notification record is kept (a TTL policy on {@code expireAt} deletes it). */
  static final Duration NOTIFICATION_RETENTION = Duration.ofDays(30);

  private AlertDocs() {}

  /**
   * The labels routing, silences and inhibition match on besides source, key and severity: the
   * details' {@code service}, {@code region} (or {@code regionId}) and {@code metric}, when they
   * are strings.
   */
  static final List<String> DETAIL_LABELS = List.of("service", "region", "metric");

  static Map<String, Object> labels(Map<String, Object> details) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (details == null) {
      return out;
    }
    for (String name : DETAIL_LABELS) {
      Object v = details.get(name);
      if (v == null && name.equals("region")) {
        v = details.get("regionId");
      }
      if (v instanceof String text && !text.isBlank()) {
        out.put(name, text);
      }
    }
    return out;
  }

  /** The labels stored on an alert (older alerts without them: from their details). */
  @SuppressWarnings("unchecked") // Firestore maps have string keys
  static Map<String, Object> labels(DocumentSnapshot alert) {
    Object stored = alert.get("labels");
    if (stored instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    Object details = alert.get("details");
    return labels(details instanceof Map<?, ?> d ? (Map<String, Object>) d : null);
  }

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
        .field("labels", labels(details))
        .field("status", "open")
        .field("openedAt", now)
        .field("lastSeen", now)
        .field("lastNotifiedAt", now)
        .field("count", 1L)
        .map();
  }

  /**
   * What a raise of the open alert {@code current} tells people: escalated when the severity rises,
   * repeated when the last notification is {@code repeatInterval} old, else nothing (null).
   */
  static Alerts.Change changeOnRepeat(
      DocumentSnapshot current, Alerts.Severity severity, Instant now, Duration repeatInterval) {
    DocReader d = DocReader.of(current);
    if (severity.rank() > d.longValue("severityRank")) {
      return Alerts.Change.ESCALATED;
    }
    Instant last = d.optionalInstant("lastNotifiedAt").orElse(d.instant("openedAt"));
    return Duration.between(last, now).compareTo(repeatInterval) >= 0
        ? Alerts.Change.REPEATED
        : null;
  }

  /** The alert's severity after a raise at {@code raised} (it only ever rises). */
  static Alerts.Severity effectiveSeverity(DocumentSnapshot current, Alerts.Severity raised) {
    Alerts.Severity stored = DocReader.of(current).enumValue("severity", Alerts.Severity.class);
    return raised.rank() > stored.rank() ? raised : stored;
  }

  /** The update of an open alert raised again: seen again, counted, escalated (never lowered). */
  static Map<String, Object> repeat(
      DocumentSnapshot current,
      Alerts.Severity severity,
      String message,
      Map<String, Object> details,
      Instant now,
      Alerts.Change change) {
    DocReader d = DocReader.of(current);
    DocWriter update =
        DocWriter.create()
            .field("lastSeen", now)
            .field("count", d.longValue("count") + 1)
            .field("message", message)
            .field("details", details == null ? Map.of() : details)
            .field("labels", labels(details));
    if (severity.rank() > d.longValue("severityRank")) {
      update.field("severity", severity).field("severityRank", (long) severity.rank());
    }
    if (change != null) {
      update.field("lastNotifiedAt", now);
    }
    return update.map();
  }

  /**
   * An outbox record: what changed, for the notifier to route and deliver. {@code receivers} fills
   * in as it delivers (per receiver: status, attempts, next attempt, last error).
   */
  static Map<String, Object> notification(
      String alertId,
      String source,
      String key,
      Alerts.Change change,
      Alerts.Severity severity,
      String message,
      Map<String, Object> details,
      Map<String, Object> labels,
      Instant openedAt,
      Instant at) {
    return DocWriter.create()
        .field("alertId", alertId)
        .field("source", source)
        .field("key", key)
        .field("change", change)
        .field("severity", severity)
        .field("message", message)
        .field("details", details == null ? Map.of() : details)
        .field("labels", labels)
        .field("openedAt", openedAt)
        .field("at", at)
        .field("expireAt", at.plus(NOTIFICATION_RETENTION))
        .field("status", "pending")
        .field("nextAttemptAt", at)
        .field("receivers", Map.of())
        .map();
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

  /** The update that acknowledges an open alert. */
  static Map<String, Object> acknowledging(String by, String note, Instant at) {
    return DocWriter.create()
        .field("acknowledgedAt", at)
        .fieldOrNull("acknowledgedBy", by)
        .fieldOrNull("acknowledgementNote", note)
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

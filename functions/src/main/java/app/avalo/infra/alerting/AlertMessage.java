package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import java.time.Instant;
import java.util.Map;

/**
 * One alert change as the receivers see it, read from its outbox record ({@code
 * alertNotifications/{notificationId}}). Its {@link #dedupKey()} is the alert's stable identity
 * across its changes, {@code source:key} (PagerDuty's {@code dedup_key}, the webhook's
 * fingerprint). Its {@code labels} ({@code service}, {@code region}, {@code metric}) are what
 * routing, silences and inhibition match on besides source, key and severity.
 */
record AlertMessage(
    String notificationId,
    String alertId,
    String source,
    String key,
    Alerts.Change change,
    Alerts.Severity severity,
    String message,
    Map<String, Object> details,
    Map<String, String> labels,
    Instant openedAt,
    Instant at,
    String dashboardUrl) {

  String dedupKey() {
    return source + ":" + key;
  }

  boolean resolved() {
    return change == Alerts.Change.RESOLVED;
  }

  boolean acknowledged() {
    return change == Alerts.Change.ACKNOWLEDGED;
  }

  /** A one-line summary, e.g. {@code [CRITICAL] routing region:EU:unhealthy — EU is down}. */
  String headline() {
    String state =
        resolved()
            ? "RESOLVED"
            : acknowledged() ? "ACKNOWLEDGED" : severity.wire().toUpperCase(java.util.Locale.ROOT);
    String verb =
        switch (change) {
          case OPENED -> "";
          case ESCALATED -> " (escalated)";
          case REPEATED -> " (still open)";
          case ACKNOWLEDGED -> " (acknowledged)";
          case RESOLVED -> "";
        };
    return "[" + state + "] " + source + " " + key + verb + " — " + message;
  }

  /** The labels as stored, or, on records older than labels, taken from the details. */
  static Map<String, String> labels(
      app.avalo.infra.platform.DocReader d, Map<String, Object> details) {
    Map<String, String> out = new java.util.TreeMap<>();
    d.optionalMap("labels")
        .map(app.avalo.infra.platform.DocReader::values)
        .orElse(Alerts.labelsOf(details))
        .forEach((k, v) -> out.put(k, String.valueOf(v)));
    return Map.copyOf(out);
  }

  /**
   * The details as stored: free-form, and raisers may store explicit nulls (e.g. a region's {@code
   * medianLatencyMs} when every probe failed), which {@code Map.copyOf} would refuse.
   */
  static Map<String, Object> details(app.avalo.infra.platform.DocReader d) {
    return d.optionalMap("details")
        .<Map<String, Object>>map(
            x -> java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(x.values())))
        .orElse(Map.of());
  }
}

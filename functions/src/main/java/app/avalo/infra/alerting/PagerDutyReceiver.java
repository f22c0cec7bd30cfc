package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Json;
import com.google.gson.annotations.SerializedName;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty Events API v2: {@code POST {base}/v2/enqueue} with the integration's routing key; a
 * trigger for opened/escalated/repeated, a resolve for resolved, both under {@code dedup_key} =
 * {@code source:key} so PagerDuty keeps one incident per alert. Success is HTTP 202; 400 (an
 * invalid event) is not retried, 429 and 5xx are.
 */
final class PagerDutyReceiver implements Receiver {
  /** PagerDuty caps the summary at 1024 characters and the dedup key at 255. */
  static final int MAX_SUMMARY = 1024;

  static final int MAX_DEDUP_KEY = 255;

  private final URI enqueue;
  private final String routingKey;
  private final Alerts.Severity minSeverity;
  private final HttpDelivery http;

  PagerDutyReceiver(
      URI eventsBase, String routingKey, Alerts.Severity minSeverity, HttpDelivery http) {
    this.enqueue = HttpDelivery.under(eventsBase, "v2/enqueue");
    this.routingKey = routingKey;
    this.minSeverity = minSeverity;
    this.http = http;
  }

  @Override
  public String name() {
    return "pagerduty";
  }

  @Override
  public Alerts.Severity minSeverity() {
    return minSeverity;
  }

  @Override
  public boolean tracksAcknowledgements() {
    return true;
  }

  @Override
  public void deliver(AlertBatch batch) throws DeliveryException {
    for (AlertMessage m : batch.alerts()) {
      http.post(name(), enqueue, "application/json", Json.write(event(m)), Map.of(), 202);
    }
  }

  /** An Events API v2 event (field names as PagerDuty documents them). */
  record Event(
      @SerializedName("routing_key") String routingKey,
      @SerializedName("event_action") String eventAction,
      @SerializedName("dedup_key") String dedupKey,
      Payload payload,
      String client,
      @SerializedName("client_url") String clientUrl,
      List<Link> links) {}

  record Payload(
      String summary,
      String source,
      String severity,
      String timestamp,
      String component,
      String group,
      @SerializedName("class") String eventClass,
      @SerializedName("custom_details") Map<String, Object> customDetails) {}

  record Link(String href, String text) {}

  /** The event body (package-private for the payload tests). */
  Event event(AlertMessage m) {
    String dedupKey = truncate(m.dedupKey(), MAX_DEDUP_KEY);
    if (m.resolved() || m.acknowledged()) {
      return new Event(
          routingKey, m.resolved() ? "resolve" : "acknowledge", dedupKey, null, null, null, null);
    }
    String group = m.key().contains(":") ? m.key().substring(0, m.key().indexOf(':')) : m.key();
    Payload payload =
        new Payload(
            truncate(m.headline(), MAX_SUMMARY),
            "avalo-infra/" + m.source(),
            severity(m.severity()),
            m.at().toString(),
            m.source(),
            group,
            m.change().wire(),
            m.details());
    boolean linked = !m.dashboardUrl().isEmpty();
    return new Event(
        routingKey,
        "trigger",
        dedupKey,
        payload,
        "Avalo Infra",
        linked ? m.dashboardUrl() : null,
        linked ? List.of(new Link(m.dashboardUrl(), "Avalo dashboard")) : null);
  }

  /** PagerDuty's severities are critical, error, warning, info; ours map one to one but error. */
  static String severity(Alerts.Severity s) {
    return switch (s) {
      case CRITICAL -> "critical";
      case WARNING -> "warning";
      case INFO -> "info";
    };
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}

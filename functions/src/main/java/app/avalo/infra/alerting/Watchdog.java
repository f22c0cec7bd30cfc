package app.avalo.infra.alerting;

import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Log;
import java.net.URI;
import java.util.Map;

/**
 * The dead man's switch: every {@code notifyAlerts} run pings an external heartbeat URL ({@code
 * ALERT_WATCHDOG_URL}, e.g. a Healthchecks.io or Cronitor check, or PagerDuty's heartbeat), which
 * pages someone when the pings stop: the whole system going silent — scheduler, functions,
 * Firestore — is itself an alert. A failed ping is logged and reported in the run's summary; the
 * external service notices the missing ping on its own.
 */
final class Watchdog {
  /** What the ping did: {@code off} (not configured), {@code ok} or {@code failed}. */
  record Ping(String status, String error) {}

  private final URI url;
  private final HttpDelivery http;

  Watchdog(URI url, HttpDelivery http) {
    this.url = url;
    this.http = http;
  }

  Ping ping(Notifier.Summary summary) {
    if (url == null) {
      return new Ping("off", null);
    }
    try {
      http.post(
          "watchdog", url, "application/json", Json.write(summary), Map.of(), 200, 201, 202, 204);
      return new Ping("ok", null);
    } catch (DeliveryException e) {
      Log.warn("watchdog ping failed", Map.of("error", String.valueOf(e.getMessage())));
      return new Ping("failed", e.getMessage());
    }
  }
}

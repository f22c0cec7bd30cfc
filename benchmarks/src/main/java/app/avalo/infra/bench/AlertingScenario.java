package app.avalo.infra.bench;

import app.avalo.infra.localstack.LocalReceivers;
import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Platform;
import com.google.gson.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * Alert delivery on the dev server with the demo's receivers ({@code AVALO_LOCAL_ALERTING=on}, the
 * default routing tree): how long from {@code Alerts.raise} until the local PagerDuty receiver has
 * the trigger (the page route is immediate: the kick after the raise delivers it), against one
 * direct POST of a PagerDuty event to the same receiver in the same run; and how many notifications
 * one {@code notifyAlerts} run routes and delivers per second, against direct sequential POSTs.
 */
final class AlertingScenario {
  private static final String SOURCE = "bench";

  private AlertingScenario() {}

  static void run(Bench bench) throws Exception {
    int raises = bench.quick() ? 10 : 60;
    int backlog = bench.quick() ? 30 : 300;
    LocalReceivers receivers = bench.server().receivers();
    String pagerDuty = bench.server().baseUrl() + LocalReceivers.ROOT + "/pagerduty/v2/enqueue";

    Histogram direct = new Histogram(3);
    for (int i = 0; i < raises; i++) {
      long start = System.nanoTime();
      postEvent(bench, pagerDuty, "bench-direct-" + i);
      direct.recordValue((System.nanoTime() - start) / 1000);
    }

    Alerts alerts = bench.server().platform().alerts();
    String run = UUID.randomUUID().toString().substring(0, 8);
    Histogram delivered = new Histogram(3);
    for (int i = 0; i < raises; i++) {
      String key = "latency:" + run + ":" + i;
      long since = receivers.received().stream().mapToLong(r -> r.seq()).max().orElse(0);
      Instant raisedAt = Instant.now();
      alerts.raise(
          SOURCE, key, Alerts.Severity.WARNING, "bench breach " + i, Map.of("value", 1.0 * i));
      Instant at = awaitTrigger(receivers, key, since, Duration.ofSeconds(30));
      delivered.recordValue(Math.max(1, Duration.between(raisedAt, at).toNanos() / 1000));
      alerts.resolve(SOURCE, key, SOURCE, "bench cleanup");
    }
    bench
        .report()
        .row(
            "alert raise → PagerDuty trigger (kick, page route)",
            "p50 / p95 over " + raises,
            Report.ms(p(delivered, 50)) + " / " + Report.ms(p(delivered, 95)),
            "one direct POST to the receiver",
            Report.ms(p(direct, 50)) + " / " + Report.ms(p(direct, 95)),
            "≤ 5 s (well inside the 1-minute notifier schedule)",
            Report.verdict(p(delivered, 95) <= 5000));

    // A backlog in the outbox (raised on a platform without the kick), drained by one run.
    Platform quiet =
        Platform.builder(System.getenv())
            .firestore(bench.server().platform().firestore())
            .storage(bench.server().platform().storage())
            .build();
    for (int i = 0; i < backlog; i++) {
      quiet
          .alerts()
          .raise(
              SOURCE,
              "backlog:" + run + ":" + i,
              Alerts.Severity.WARNING,
              "bench backlog " + i,
              Map.of());
    }
    String scheduled = Instant.now().truncatedTo(ChronoUnit.MINUTES).toString();
    long start = System.nanoTime();
    JsonObject answer =
        Json.parseStrict(bench.ok("notifyAlerts", "{\"scheduledFor\":\"" + scheduled + "\"}", null))
            .getAsJsonObject();
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonObject summary =
        answer.has("summary")
            ? answer.getAsJsonObject("summary").getAsJsonObject("notifier")
            : null;
    int notifications = summary == null ? 0 : summary.get("notifications").getAsInt();
    if (summary == null) {
      throw new IllegalStateException("notifyAlerts did not run: " + answer);
    }
    long sequentialStart = System.nanoTime();
    for (int i = 0; i < backlog; i++) {
      postEvent(bench, pagerDuty, "bench-sequential-" + i);
    }
    double sequentialSeconds = (System.nanoTime() - sequentialStart) / 1e9;
    bench
        .report()
        .row(
            "notifyAlerts draining a backlog of " + backlog,
            "notifications/s (routed + delivered, one run)",
            Report.rate(notifications / seconds, "notif")
                + " ("
                + notifications
                + " routed, "
                + summary.get("delivered").getAsInt()
                + " deliveries in "
                + String.format("%.1f s", seconds)
                + ")",
            "sequential direct POSTs to the receiver",
            Report.rate(backlog / sequentialSeconds, "req"),
            "the whole backlog in one run",
            Report.verdict(notifications >= backlog));
    for (int i = 0; i < backlog; i++) {
      quiet.alerts().resolve(SOURCE, "backlog:" + run + ":" + i, SOURCE, "bench cleanup");
    }
  }

  private static double p(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static void postEvent(Bench bench, String url, String dedupKey) throws Exception {
    String body =
        """
        {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
         "payload":{"summary":"bench direct","source":"bench","severity":"warning"}}
        """
            .formatted(LocalReceivers.PAGERDUTY_ROUTING_KEY, dedupKey);
    HttpResponse<String> r =
        bench
            .http()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException(
          "the local PagerDuty answered " + r.statusCode() + ": " + r.body());
    }
  }

  /**
   * When the local PagerDuty accepted the trigger for {@code key} (after receipt {@code since}).
   */
  private static Instant awaitTrigger(
      LocalReceivers receivers, String key, long since, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (LocalReceivers.Received r : receivers.received()) {
        if (r.seq() > since
            && r.accepted()
            && "pagerduty".equals(r.receiver())
            && r.summary() != null
            && r.summary().startsWith("trigger ")
            && r.summary().contains(key)) {
          return r.at();
        }
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("no PagerDuty trigger for " + key + " within " + timeout);
  }
}

package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dev server's local alert receivers ({@link LocalReceivers}): the production receivers deliver
 * to them and are accepted, each request checked against the service's documented shape; what the
 * services would refuse is refused with their status and the reason; an injected 500 makes the
 * notifier retry; the watchdog counts pings.
 */
class LocalReceiversTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static List<LocalReceivers.Received> about(DevServer server, String text) {
    return server.receivers().received().stream()
        .filter(r -> String.valueOf(r.payload()).contains(text))
        .toList();
  }

  @Test
  void theProductionReceiversDeliverToTheLocalOnesAndTheirShapesPass() throws Exception {
    DevServer server = LocalStack.server();
    LocalAlerting alerting = LocalAlerting.deliveringTo(server, Map.of());
    String key = "receivers:" + UUID.randomUUID();
    alerting
        .platform()
        .alerts()
        .raise(
            "e2e",
            key,
            Alerts.Severity.CRITICAL,
            "every receiver takes a critical alert",
            Map.of("value", 3, "threshold", 2));
    alerting.awaitDeliveries();
    List<LocalReceivers.Received> got = about(server, key);
    assertEquals(
        List.of("pagerduty", "slack", "sms", "webhook"),
        got.stream().map(LocalReceivers.Received::receiver).sorted().toList(),
        "one request per receiver (email is off without MailDev): " + got);
    for (LocalReceivers.Received r : got) {
      assertTrue(r.accepted(), "accepted: " + r);
    }
    Map<String, Integer> statuses =
        Map.of("pagerduty", 202, "slack", 200, "sms", 201, "webhook", 200);
    got.forEach(r -> assertEquals(statuses.get(r.receiver()), r.status(), r.toString()));
    LocalReceivers.Received pd =
        got.stream().filter(r -> r.receiver().equals("pagerduty")).findFirst().orElseThrow();
    assertTrue(pd.summary().startsWith("trigger e2e:" + key), pd.summary());

    alerting.platform().alerts().resolve("e2e", key, "test", "fixed");
    alerting.awaitDeliveries();
    List<LocalReceivers.Received> after = about(server, key);
    assertTrue(
        after.stream()
            .anyMatch(
                r ->
                    r.receiver().equals("pagerduty")
                        && r.accepted()
                        && r.summary().equals("resolve e2e:" + key)),
        "the resolution reached PagerDuty under the same dedup key: " + after);
    assertTrue(
        after.stream()
            .anyMatch(
                r ->
                    r.receiver().equals("webhook")
                        && r.accepted()
                        && r.summary().startsWith("resolved " + key)),
        "and the webhook as resolved: " + after);
  }

  private record Answer(int status, String body) {}

  private static Answer post(String path, String contentType, String body, Map<String, String> h)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(LocalStack.server().baseUrl() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    h.forEach(b::header);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  private static String signed(String body) {
    long t = 1_800_000_000L;
    return "t=" + t + ",v1=" + LocalReceivers.hmac(LocalReceivers.WEBHOOK_SECRET, t + "." + body);
  }

  @Test
  void whatTheServicesWouldRefuseIsRefusedWithTheirStatusAndTheReason() throws Exception {
    String root = LocalReceivers.ROOT;
    String json = "application/json";
    // Slack: a section with 11 fields (Block Kit allows 10), and a message with no text at all.
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      fields
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"mrkdwn\",\"text\":\"f")
          .append(i)
          .append("\"}");
    }
    Answer slack =
        post(
            root + "/slack",
            json,
            "{\"text\":\"x\",\"blocks\":[{\"type\":\"section\",\"fields\":[" + fields + "]}]}",
            Map.of());
    assertEquals(400, slack.status());
    assertTrue(slack.body().startsWith("invalid_blocks: blocks[0]"), slack.body());
    assertEquals(400, post(root + "/slack", json, "{}", Map.of()).status());
    assertTrue(post(root + "/slack", json, "{}", Map.of()).body().startsWith("no_text"));

    // PagerDuty: a trigger without a summary; an acknowledge without a dedup key.
    Answer pd =
        post(
            root + "/pagerduty/v2/enqueue",
            json,
            "{\"routing_key\":\""
                + LocalReceivers.PAGERDUTY_ROUTING_KEY
                + "\",\"event_action\":\"trigger\",\"payload\":{\"source\":\"s\",\"severity\":\"critical\"}}",
            Map.of());
    assertEquals(400, pd.status());
    JsonObject pdBody = JsonParser.parseString(pd.body()).getAsJsonObject();
    assertEquals("invalid event", pdBody.get("status").getAsString());
    assertTrue(pdBody.get("errors").toString().contains("payload.summary"), pd.body());
    Answer ack =
        post(
            root + "/pagerduty/v2/enqueue",
            json,
            "{\"routing_key\":\""
                + LocalReceivers.PAGERDUTY_ROUTING_KEY
                + "\",\"event_action\":\"acknowledge\"}",
            Map.of());
    assertEquals(400, ack.status());
    assertTrue(ack.body().contains("'dedup_key' is required for acknowledge"), ack.body());

    // Twilio: a wrong auth token (401, code 20003), then a bad 'To' number (400, code 21211).
    String messages =
        root
            + "/twilio/2010-04-01/Accounts/"
            + LocalReceivers.TWILIO_ACCOUNT_SID
            + "/Messages.json";
    String form = "application/x-www-form-urlencoded";
    String wrong =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (LocalReceivers.TWILIO_ACCOUNT_SID + ":nope").getBytes(StandardCharsets.UTF_8));
    Answer unauthorized =
        post(
            messages,
            form,
            "To=%2B48500100200&From=%2B15005550006&Body=hi",
            Map.of("Authorization", wrong));
    assertEquals(401, unauthorized.status());
    assertTrue(unauthorized.body().contains("20003"), unauthorized.body());
    String right =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (LocalReceivers.TWILIO_ACCOUNT_SID + ":" + LocalReceivers.TWILIO_AUTH_TOKEN)
                        .getBytes(StandardCharsets.UTF_8));
    Answer badTo =
        post(messages, form, "To=123&From=%2B15005550006&Body=hi", Map.of("Authorization", right));
    assertEquals(400, badTo.status());
    assertTrue(badTo.body().contains("21211"), badTo.body());
    Answer sent =
        post(
            messages,
            form,
            "To=%2B48500100200&From=%2B15005550006&Body=hi",
            Map.of("Authorization", right));
    assertEquals(201, sent.status(), sent.body());
    assertEquals(
        "queued",
        JsonParser.parseString(sent.body()).getAsJsonObject().get("status").getAsString());

    // The webhook: a body signed with another secret (401); signed right but without fingerprint.
    String alert =
        "{\"version\":\"4\",\"groupKey\":\"g\",\"truncatedAlerts\":0,\"status\":\"firing\","
            + "\"receiver\":\"webhook\",\"groupLabels\":{},\"commonLabels\":{},\"commonAnnotations\":{},"
            + "\"externalURL\":\"\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"a\"},"
            + "\"annotations\":{},\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
            + "\"generatorURL\":\"\"}]}";
    long t = 1_800_000_000L;
    String otherSecret =
        "t=" + t + ",v1=" + LocalReceivers.hmac("another-secret-0123456789", t + "." + alert);
    Answer forged = post(root + "/webhook", json, alert, Map.of("X-Avalo-Signature", otherSecret));
    assertEquals(401, forged.status());
    Answer noFingerprint =
        post(root + "/webhook", json, alert, Map.of("X-Avalo-Signature", signed(alert)));
    assertEquals(400, noFingerprint.status());
    assertTrue(noFingerprint.body().contains("alerts[0].fingerprint"), noFingerprint.body());

    // Every refusal is listed with its reason.
    HttpResponse<String> list =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(LocalStack.server().baseUrl() + root)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, list.statusCode());
    JsonObject listed = JsonParser.parseString(list.body()).getAsJsonObject();
    assertTrue(
        listed.get("notifications").toString().contains("HMAC-SHA256"),
        "the forged webhook is listed with why it was refused");
  }

  @Test
  void aReceiverAnswering500IsRetriedAndOneRefusingIsDeadLettered() throws Exception {
    DevServer server = LocalStack.server();
    LocalAlerting alerting =
        LocalAlerting.deliveringTo(
            server, Map.of("ALERT_PAGERDUTY_ROUTING_KEY", "ffffffffffffffffffffffffffffffff"));
    server.receivers().failNext("slack", 500, 1);
    String key = "retry:" + UUID.randomUUID();
    String alertId =
        alerting
            .platform()
            .alerts()
            .raise("e2e", key, Alerts.Severity.WARNING, "slack fails once", Map.of());
    alerting.awaitDeliveries();
    QueryDocumentSnapshot n =
        server
            .platform()
            .firestore()
            .collection(Alerts.NOTIFICATIONS)
            .whereEqualTo("alertId", alertId)
            .get()
            .get()
            .getDocuments()
            .get(0);
    assertEquals("retrying", n.getString("receivers.slack.status"), String.valueOf(n.getData()));
    assertTrue(
        n.getString("receivers.slack.lastError").contains("500"),
        n.getString("receivers.slack.lastError"));
    assertEquals("delivered", n.getString("receivers.webhook.status"));
    assertEquals("dead", n.getString("receivers.pagerduty.status"));
    assertTrue(
        n.getString("receivers.pagerduty.lastError").contains("routing_key"),
        n.getString("receivers.pagerduty.lastError"));
  }

  @Test
  void theWatchdogCountsPings() throws Exception {
    DevServer server = LocalStack.server();
    long before = server.receivers().watchdogPings();
    assertEquals(
        200,
        post(LocalReceivers.WATCHDOG, "application/json", "{\"delivered\":0}", Map.of()).status());
    assertEquals(
        200,
        post(LocalReceivers.WATCHDOG, "application/json", "{\"delivered\":1}", Map.of()).status());
    assertEquals(before + 2, server.receivers().watchdogPings());
  }
}

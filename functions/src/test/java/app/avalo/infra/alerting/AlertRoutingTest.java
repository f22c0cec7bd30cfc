package app.avalo.infra.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.AuditLog;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The routing tree, grouping, repeat intervals and inhibition of the default routing ({@link
 * RoutingTree#DEFAULT}) and of edited routings, through the notifier job against the loopback
 * receiver fakes and a real SMTP server.
 */
class AlertRoutingTest {
  @RegisterExtension
  static final GreenMailExtension SMTP =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private ReceiverFakes fakes;
  private TestBed bed;
  private int runs;

  @BeforeEach
  void start() throws Exception {
    fakes = new ReceiverFakes();
    Map<String, String> env = new HashMap<>(fakes.env());
    env.put("ALERT_SMTP_HOST", "127.0.0.1");
    env.put("ALERT_SMTP_PORT", Integer.toString(SMTP.getSmtp().getPort()));
    env.put("ALERT_SMTP_STARTTLS", "false");
    env.put("ALERT_EMAIL_FROM", "alerts@avalo.test");
    env.put("ALERT_EMAIL_TO", "oncall@avalo.test");
    bed = TestBed.builder().at("2026-12-02T03:00:00Z").env(env).build();
  }

  @AfterEach
  void close() {
    fakes.close();
    bed.close();
  }

  private Alerts alerts() {
    return bed.platform.alerts();
  }

  private JsonObject notifyRun() throws Exception {
    var response =
        bed.runJob(
            new NotifyAlerts(bed.platform, bed.root.alerting()),
            bed.clock.instant().plusMillis(runs++));
    assertEquals(200, response.status(), response.body());
    return response.json().getAsJsonObject("summary").getAsJsonObject("notifier");
  }

  private static Map<String, Object> labels(String... kv) {
    Map<String, Object> out = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put(kv[i], kv[i + 1]);
    }
    return out;
  }

  private DocumentSnapshot notification(String key) {
    return Firestores.await(bed.db.collection(Alerts.NOTIFICATIONS).orderBy("at").get())
        .getDocuments()
        .stream()
        .filter(d -> key.equals(d.getString("key")))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no notification for " + key));
  }

  @Test
  void aRegionOutagePagesAtOnceAndTheTeamGetsOneGroupedMessageAfterGroupWait() throws Exception {
    alerts()
        .raise(
            "routing",
            "region:EU",
            Alerts.Severity.CRITICAL,
            "EU is unhealthy",
            labels("regionId", "EU", "status", "unhealthy"));
    notifyRun();
    assertEquals(1, fakes.at("pagerduty").size(), "paged at once");
    assertEquals(
        "routing:region:EU", fakes.at("pagerduty").get(0).json().get("dedup_key").getAsString());
    assertEquals(1, fakes.at("sms").size(), "critical: texted at once");
    assertEquals(0, fakes.at("slack").size(), "the team's message waits for group_wait");
    assertEquals("grouped", notification("region:EU").getString("receivers.slack.status"));

    bed.clock.advance(Duration.ofSeconds(10));
    alerts()
        .raise(
            "routing",
            "region:EU:drain",
            Alerts.Severity.WARNING,
            "EU draining",
            labels("regionId", "EU"));
    notifyRun();
    assertEquals(0, fakes.at("slack").size(), "still inside group_wait");

    bed.clock.advance(Duration.ofSeconds(20));
    notifyRun();
    assertEquals(1, fakes.at("slack").size(), "one grouped Slack message");
    JsonObject slack = fakes.at("slack").get(0).json();
    assertTrue(slack.get("text").getAsString().startsWith("2 alerts, 2 firing"), slack.toString());
    assertTrue(
        slack.toString().contains("EU draining") && slack.toString().contains("EU is unhealthy"));
    JsonObject hook = fakes.at("webhook").get(0).json();
    assertEquals(2, hook.getAsJsonArray("alerts").size());
    assertEquals("EU", hook.getAsJsonObject("groupLabels").get("region").getAsString());
    assertEquals("routing", hook.getAsJsonObject("commonLabels").get("source").getAsString());
    assertTrue(SMTP.waitForIncomingEmail(5_000, 1));
    assertEquals(1, SMTP.getReceivedMessages().length, "one email for the group");
    String subject = SMTP.getReceivedMessages()[0].getSubject();
    assertTrue(
        subject.contains("routing region:EU") && subject.contains("routing region:EU:drain"),
        subject);
    assertEquals(2, fakes.at("pagerduty").size(), "the warning pages too, on its own incident");

    // Healthy again: PagerDuty resolves at once, the team hears it after group_interval (5 min).
    bed.clock.advance(Duration.ofMinutes(1));
    alerts().resolve("routing", "region:EU", "runHealthChecks", "healthy");
    notifyRun();
    assertEquals("resolve", last("pagerduty").get("event_action").getAsString());
    assertEquals(1, fakes.at("slack").size(), "group_interval not over");
    bed.clock.advance(Duration.ofMinutes(4));
    notifyRun();
    assertEquals(2, fakes.at("slack").size());
    assertTrue(last("slack").get("text").getAsString().startsWith("[RESOLVED]"));
    assertEquals("resolved", fakes.at("webhook").get(1).json().get("status").getAsString());
  }

  @Test
  void twoChangesOfOneAlertInOneGroupShowItsLatestStateOnceButPageBoth() throws Exception {
    alerts()
        .raise(
            "routing",
            "region:EU",
            Alerts.Severity.WARNING,
            "EU degraded",
            labels("regionId", "EU"));
    bed.clock.advance(Duration.ofSeconds(10));
    alerts()
        .raise(
            "routing",
            "region:EU",
            Alerts.Severity.CRITICAL,
            "EU unhealthy",
            labels("regionId", "EU"));
    bed.clock.advance(Duration.ofSeconds(30));
    notifyRun();
    List<String> pd =
        fakes.at("pagerduty").stream()
            .map(r -> r.json().getAsJsonObject("payload").get("class").getAsString())
            .toList();
    assertEquals(List.of("opened", "escalated"), pd, "PagerDuty gets every change");
    assertEquals(1, fakes.at("slack").size());
    JsonObject slack = fakes.at("slack").get(0).json();
    assertTrue(
        slack.get("text").getAsString().startsWith("[CRITICAL] routing region:EU"),
        slack.toString());
    assertEquals(1, fakes.at("webhook").get(0).json().getAsJsonArray("alerts").size());
    assertTrue(SMTP.waitForIncomingEmail(5_000, 1));
    assertTrue(
        SMTP.getReceivedMessages()[0].getSubject().startsWith("[CRITICAL] routing region:EU"));
  }

  private JsonObject last(String receiver) {
    List<ReceiverFakes.Received> all = fakes.at(receiver);
    return all.get(all.size() - 1).json();
  }

  @Test
  void anUnhealthyRegionInhibitsTheLatencyAlertsAttributedToIt() throws Exception {
    alerts()
        .raise(
            "routing", "region:EU", Alerts.Severity.CRITICAL, "EU down", labels("regionId", "EU"));
    alerts()
        .raise(
            "monitoring",
            "chat:latency",
            Alerts.Severity.CRITICAL,
            "chat p95 900 ms",
            labels("service", "chat", "metric", "latency", "region", "EU"));
    alerts()
        .raise(
            "monitoring",
            "wallet:latency",
            Alerts.Severity.CRITICAL,
            "wallet p95 900 ms",
            labels("service", "wallet", "metric", "latency", "region", "US"));
    JsonObject run = notifyRun();
    assertEquals(1, run.get("inhibited").getAsInt(), run.toString());
    DocumentSnapshot chat = notification("chat:latency");
    assertEquals("inhibited", chat.getString("status"));
    assertEquals("routing:region:EU", chat.getString("inhibitedBy"));
    List<String> paged =
        fakes.at("pagerduty").stream()
            .map(r -> r.json().get("dedup_key").getAsString())
            .sorted()
            .toList();
    assertEquals(List.of("monitoring:wallet:latency", "routing:region:EU"), paged, "in any order");
  }

  @Test
  void aCriticalAlertInhibitsAWarningWithTheSameServiceMetricAndRegion() throws Exception {
    alerts()
        .raise(
            "monitoring",
            "wallet:latency",
            Alerts.Severity.CRITICAL,
            "wallet p95 900 ms",
            labels("service", "wallet", "metric", "latency"));
    alerts()
        .raise(
            "scaling",
            "latency:wallet",
            Alerts.Severity.WARNING,
            "wallet is slow to scale",
            labels("service", "wallet", "metric", "latency"));
    alerts()
        .raise(
            "scaling",
            "viral:wallet",
            Alerts.Severity.WARNING,
            "viral",
            labels("service", "wallet"));
    notifyRun();
    assertEquals("inhibited", notification("latency:wallet").getString("status"));
    assertEquals("done", notification("viral:wallet").getString("status"), "another metric");
  }

  @Test
  void aRouteRepeatIntervalLongerThanTheAlertsLeavesOutEarlyRepeats() throws Exception {
    route(
        """
        {"expectedVersion": 0,
         "route": {"receivers": ["webhook"], "groupBy": ["..."], "groupWaitSeconds": 0,
                   "groupIntervalSeconds": 0, "repeatIntervalMinutes": 480}}
        """);
    alerts().raise("cost", "budget:ai:90", Alerts.Severity.WARNING, "AI at 90 %", Map.of());
    notifyRun();
    for (int i = 1; i <= 2; i++) {
      bed.clock.advance(Alerts.DEFAULT_REPEAT_INTERVAL);
      alerts().raise("cost", "budget:ai:90", Alerts.Severity.WARNING, "AI at 90 %", Map.of());
      notifyRun();
    }
    List<String> changes =
        fakes.at("webhook").stream()
            .map(
                r ->
                    r.json()
                        .getAsJsonArray("alerts")
                        .get(0)
                        .getAsJsonObject()
                        .getAsJsonObject("annotations")
                        .get("change")
                        .getAsString())
            .toList();
    assertEquals(List.of("opened", "repeated"), changes, "the 4 h repeat left out, the 8 h sent");
    assertEquals(0, fakes.at("pagerduty").size(), "the edited routing has no PagerDuty route");
  }

  @Test
  void aSilenceMatchesTheRegionLabel() throws Exception {
    var created =
        bed.callAsAdmin(
            new CreateSilence(bed.platform, bed.root.alerting()),
            """
            {"matchers": [{"name": "region", "value": "EU"}], "durationMinutes": 30,
             "comment": "EU maintenance"}
            """);
    assertEquals(200, created.status(), created.body());
    alerts()
        .raise(
            "routing", "region:EU", Alerts.Severity.CRITICAL, "EU down", labels("regionId", "EU"));
    alerts()
        .raise(
            "routing", "region:US", Alerts.Severity.CRITICAL, "US down", labels("regionId", "US"));
    notifyRun();
    assertEquals("silenced", notification("region:EU").getString("status"));
    assertEquals(
        List.of("routing:region:US"),
        fakes.at("pagerduty").stream().map(r -> r.json().get("dedup_key").getAsString()).toList());
  }

  private void route(String body) throws Exception {
    var r = bed.callAsAdmin(new UpdateAlertRouting(bed.platform, bed.root.alerting()), body);
    assertEquals(200, r.status(), r.body());
  }

  @Test
  void routingEditsAreValidatedWholeVersionedAndShown() throws Exception {
    AlertingModule alerting = bed.root.alerting();
    var shown = bed.callAsAdmin(new GetAlertRouting(bed.platform, alerting), "{}");
    assertEquals(200, shown.status(), shown.body());
    JsonObject r = shown.result().getAsJsonObject();
    assertEquals("default", r.get("origin").getAsString());
    assertEquals(0, r.get("version").getAsLong());
    assertEquals(0, r.getAsJsonArray("unconfiguredReceivers").size(), r.toString());

    Map<String, String> refused =
        Map.of(
            """
            {"expectedVersion": 0, "route": {"receivers": ["slack"], "groupBy": ["source"],
             "groupWaitSeconds": 30, "groupIntervalSeconds": 300, "repeatIntervalMinutes": 240,
             "routes": [{"id": "x", "receivers": ["opsgenie"]}]}}\
            """,
            "route.routes[0].receivers[0]",
            """
            {"expectedVersion": 0, "route": {"receivers": ["slack"], "groupBy": ["team"],
             "groupWaitSeconds": 30, "groupIntervalSeconds": 300, "repeatIntervalMinutes": 240}}\
            """,
            "route.groupBy[0]",
            """
            {"expectedVersion": 0, "route": {"receivers": ["slack"], "groupBy": ["source"],
             "groupIntervalSeconds": 300, "repeatIntervalMinutes": 240}}\
            """,
            "route.groupWaitSeconds",
            """
            {"expectedVersion": 0, "route": {"receivers": ["slack"], "groupBy": ["source"],
             "groupWaitSeconds": 30, "groupIntervalSeconds": 300, "repeatIntervalMinutes": 240,
             "routes": [{"id": "a", "receivers": ["sms"],
                         "matchers": [{"name": "key", "value": "(", "regex": true}]}]}}\
            """,
            "route.routes[0].matchers[0].value",
            """
            {"expectedVersion": 0, "route": {"receivers": ["slack"], "groupBy": ["source"],
             "groupWaitSeconds": 30, "groupIntervalSeconds": 300, "repeatIntervalMinutes": 240},
             "inhibitRules": [{"sourceMatchers": [{"name": "source", "value": "routing"}],
                               "targetMatchers": [{"name": "metric", "value": "latency"}],
                               "equal": ["zone"]}]}\
            """,
            "inhibitRules[0].equal[0]");
    AlertDeliveryTest.assertEachRefusedNaming(
        bed, new UpdateAlertRouting(bed.platform, alerting), refused);
    assertTrue(
        Firestores.await(bed.db.collection(RoutingStore.COLLECTION).get()).isEmpty(),
        "a refused edit writes nothing");

    String valid =
        """
        {"expectedVersion": 0, "route": {"receivers": ["webhook"], "groupBy": ["source"],
         "groupWaitSeconds": 0, "groupIntervalSeconds": 60, "repeatIntervalMinutes": 240}}
        """;
    route(valid);
    var stale = bed.callAsAdmin(new UpdateAlertRouting(bed.platform, alerting), valid);
    assertEquals("FAILED_PRECONDITION", stale.errorStatus(), stale.body());
    JsonObject now =
        bed.callAsAdmin(new GetAlertRouting(bed.platform, alerting), "{}")
            .result()
            .getAsJsonObject();
    assertEquals("stored", now.get("origin").getAsString());
    assertEquals(1, now.get("version").getAsLong());
    JsonArray receivers =
        now.getAsJsonObject("routing").getAsJsonObject("route").getAsJsonArray("receivers");
    assertEquals("webhook", receivers.get(0).getAsString());
    assertEquals(
        2,
        Firestores.await(
                bed.db
                    .collection(AuditLog.COLLECTION)
                    .whereEqualTo("action", "updateAlertRouting")
                    .get())
            .size(),
        "the edit and the refused stale edit are audited; the invalid ones changed nothing");
  }
}

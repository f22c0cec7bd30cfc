package app.avalo.infra.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonObject;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts reach people: every alert change goes through the outbox to PagerDuty, Slack, Twilio SMS
 * and the Alertmanager-format webhook (loopback fakes checking the documented payloads) and to
 * email over a real SMTP server (GreenMail), with repeats, retries, dead letters and no duplicates.
 * These tests route every alert to every receiver at once (no grouping, {@link #IMMEDIATE}); the
 * default tree's grouping, repeat intervals and inhibition are {@link AlertRoutingTest}'s.
 */
class AlertDeliveryTest {
  @RegisterExtension
  static final GreenMailExtension SMTP =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private ReceiverFakes fakes;
  private TestBed bed;

  /** After GreenMail's per-test start (the bed needs its port). */
  @BeforeEach
  void start() throws Exception {
    fakes = new ReceiverFakes();
    bed = bed(Map.of());
    route(bed, IMMEDIATE);
  }

  /** Every receiver, every alert on its own, no wait. */
  static final String IMMEDIATE =
      """
      {"expectedVersion": 0,
       "route": {"receivers": ["pagerduty", "slack", "email", "sms", "webhook"],
                 "groupBy": ["..."], "groupWaitSeconds": 0, "groupIntervalSeconds": 0,
                 "repeatIntervalMinutes": 240}}
      """;

  static void route(TestBed bed, String routing) throws Exception {
    var r = bed.callAsAdmin(new UpdateAlertRouting(bed.platform, bed.root.alerting()), routing);
    assertEquals(200, r.status(), r.body());
  }

  /** Each request body is INVALID_ARGUMENT naming its field (the map's value). */
  static void assertEachRefusedNaming(
      TestBed bed, com.google.cloud.functions.HttpFunction function, Map<String, String> cases)
      throws Exception {
    for (Map.Entry<String, String> c : cases.entrySet()) {
      var r = bed.callAsAdmin(function, c.getKey());
      assertEquals(400, r.status(), c.getKey() + " -> " + r.body());
      assertEquals(
          c.getValue(),
          r.json().getAsJsonObject("error").getAsJsonObject("details").get("field").getAsString(),
          c.getKey());
    }
  }

  private TestBed bed(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(fakes.env());
    env.put("ALERT_SMTP_HOST", "127.0.0.1");
    env.put("ALERT_SMTP_PORT", Integer.toString(SMTP.getSmtp().getPort()));
    env.put("ALERT_SMTP_STARTTLS", "false");
    env.put("ALERT_EMAIL_FROM", "alerts@avalo.test");
    env.put("ALERT_EMAIL_TO", "oncall@avalo.test");
    env.put("ALERT_MAX_ATTEMPTS", "3");
    env.put("ALERT_BACKOFF_SECONDS", "30");
    env.putAll(extra);
    return TestBed.builder().at("2026-12-02T03:00:00Z").env(env).build();
  }

  @AfterEach
  void close() {
    fakes.close();
    bed.close();
  }

  private Alerts alerts() {
    return bed.platform.alerts();
  }

  private int runs;

  /**
   * Runs notifyAlerts as Cloud Scheduler would, each run for its own schedule time (a repeated
   * schedule time is a duplicate delivery the job runner ignores).
   */
  private JsonObject notify(TestBed on) throws Exception {
    var response =
        on.runJob(
            new NotifyAlerts(on.platform, on.root.alerting()),
            on.clock.instant().plusMillis(runs++));
    assertEquals(200, response.status(), response.body());
    assertEquals("succeeded", response.json().get("outcome").getAsString(), response.body());
    return response.json();
  }

  private List<DocumentSnapshot> notifications() {
    return List.copyOf(
        Firestores.await(bed.db.collection(Alerts.NOTIFICATIONS).orderBy("at").get())
            .getDocuments());
  }

  private DocumentSnapshot notification(String key) {
    return notifications().stream()
        .filter(d -> key.equals(d.getString("key")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no notification for " + key));
  }

  @Test
  void aCriticalAlertReachesEveryReceiverAndItsResolutionFollows() throws Exception {
    alerts()
        .raise(
            "routing",
            "region:EU:unhealthy",
            Alerts.Severity.CRITICAL,
            "EU failed 3 health checks",
            Map.of("value", 3, "threshold", 3));
    assertEquals(1, notifications().size(), "one outbox record, written with the alert");
    assertTrue(fakes.received.isEmpty(), "nothing is sent before the notifier runs");

    JsonObject run = notify(bed);
    assertEquals(
        5,
        run.getAsJsonObject("summary").getAsJsonObject("notifier").get("delivered").getAsInt(),
        run.toString());
    assertEquals(
        "ok",
        run.getAsJsonObject("summary").getAsJsonObject("watchdog").get("status").getAsString());
    assertEquals(List.of(), fakes.refused, "every payload passed the receivers' checks");

    JsonObject pd = fakes.at("pagerduty").get(0).json();
    assertEquals("trigger", pd.get("event_action").getAsString());
    assertEquals("routing:region:EU:unhealthy", pd.get("dedup_key").getAsString());
    assertEquals("critical", pd.getAsJsonObject("payload").get("severity").getAsString());
    assertEquals(
        "https://admin.avalo.test/",
        pd.getAsJsonArray("links").get(0).getAsJsonObject().get("href").getAsString());

    JsonObject slack = fakes.at("slack").get(0).json();
    String blocks = slack.getAsJsonArray("blocks").toString();
    assertTrue(blocks.contains("EU failed 3 health checks"), blocks);
    assertTrue(blocks.contains("3 (threshold 3)"), "value vs threshold: " + blocks);
    assertTrue(blocks.contains("2026-12-02T03:00:00Z"), "since: " + blocks);

    Map<String, String> sms = fakes.at("sms").get(0).form();
    assertEquals("+48500100200", sms.get("To"));
    assertTrue(
        sms.get("Body").startsWith("Avalo [CRITICAL] routing region:EU:unhealthy"),
        sms.get("Body"));

    JsonObject hook = fakes.at("webhook").get(0).json();
    assertEquals("firing", hook.get("status").getAsString());
    assertEquals(
        "region:EU:unhealthy",
        hook.getAsJsonArray("alerts")
            .get(0)
            .getAsJsonObject()
            .getAsJsonObject("labels")
            .get("alertname")
            .getAsString());

    assertTrue(SMTP.waitForIncomingEmail(5_000, 1));
    MimeMessage mail = SMTP.getReceivedMessages()[0];
    assertTrue(mail.getSubject().contains("region:EU:unhealthy"), mail.getSubject());
    assertEquals("routing:region:EU:unhealthy", mail.getHeader("X-Avalo-Alert")[0]);
    MimeMultipart parts = (MimeMultipart) mail.getContent();
    assertEquals(2, parts.getCount(), "plain text and HTML");
    assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
    assertTrue(parts.getBodyPart(1).isMimeType("text/html"));

    // Nothing left to deliver: a second run sends nothing.
    notify(bed);
    assertEquals(
        4,
        fakes.received.stream().filter(r -> !r.endpoint().equals("watchdog")).count(),
        "one request to each HTTP receiver");
    assertEquals(2, fakes.at("watchdog").size(), "every notifier run pings the watchdog");
    assertEquals(1, SMTP.getReceivedMessages().length);

    bed.clock.advance(Duration.ofMinutes(5));
    assertTrue(
        alerts().resolve("routing", "region:EU:unhealthy", "health checks", "healthy again"));
    notify(bed);
    List<ReceiverFakes.Received> pdEvents = fakes.at("pagerduty");
    assertEquals(2, pdEvents.size());
    assertEquals("resolve", pdEvents.get(1).json().get("event_action").getAsString());
    assertEquals(
        "routing:region:EU:unhealthy", pdEvents.get(1).json().get("dedup_key").getAsString());
    assertEquals("resolved", fakes.at("webhook").get(1).json().get("status").getAsString());
    assertTrue(fakes.at("slack").get(1).json().get("text").getAsString().startsWith("[RESOLVED]"));
    assertTrue(SMTP.waitForIncomingEmail(5_000, 2));
  }

  @Test
  void severityRoutingKeepsWarningsOffSmsAndInfoOffPagerDuty() throws Exception {
    alerts().raise("cost", "budget:ai:90", Alerts.Severity.WARNING, "AI budget at 90 %", Map.of());
    alerts().raise("scaling", "burst:support", Alerts.Severity.INFO, "burst on", Map.of());
    notify(bed);
    assertEquals(1, fakes.at("pagerduty").size(), "warning goes to PagerDuty, info does not");
    assertEquals(0, fakes.at("sms").size(), "SMS is for critical alerts only");
    assertEquals(2, fakes.at("slack").size());
    assertEquals(2, fakes.at("webhook").size());
    assertTrue(SMTP.waitForIncomingEmail(5_000, 1));
    assertEquals(1, SMTP.getReceivedMessages().length, "email takes warning and above");
  }

  @Test
  void anOpenAlertIsRepeatedAfterTheRepeatIntervalAndEscalationsAreToldAtOnce() throws Exception {
    alerts().raise("monitoring", "chat:latency", Alerts.Severity.WARNING, "p95 450 ms", Map.of());
    for (int i = 0; i < 5; i++) {
      bed.clock.advance(Duration.ofMinutes(1));
      alerts().raise("monitoring", "chat:latency", Alerts.Severity.WARNING, "p95 450 ms", Map.of());
    }
    assertEquals(1, notifications().size(), "a still-open alert is not re-notified every minute");

    bed.clock.advance(Alerts.DEFAULT_REPEAT_INTERVAL);
    alerts().raise("monitoring", "chat:latency", Alerts.Severity.WARNING, "p95 460 ms", Map.of());
    bed.clock.advance(Duration.ofMinutes(1));
    alerts().raise("monitoring", "chat:latency", Alerts.Severity.CRITICAL, "p95 900 ms", Map.of());
    List<String> changes = notifications().stream().map(d -> d.getString("change")).toList();
    assertEquals(List.of("opened", "repeated", "escalated"), changes);
    notify(bed);
    List<String> pdClasses =
        fakes.at("pagerduty").stream()
            .map(r -> r.json().getAsJsonObject("payload").get("class").getAsString())
            .toList();
    assertEquals(List.of("opened", "repeated", "escalated"), pdClasses);
    assertEquals(1, fakes.at("sms").size(), "the escalation to critical texts the on-call");
  }

  @Test
  void aFailingReceiverBacksOffIsDeadLetteredAndRaisesItsOwnAlertElsewhere() throws Exception {
    fakes.failNext("slack", 500, 100);
    alerts().raise("recovery", "backup:hourly:stale", Alerts.Severity.CRITICAL, "stale", Map.of());
    notify(bed);
    DocumentSnapshot n = notification("backup:hourly:stale");
    assertEquals("done", n.getString("status"), "routed; the groups retry");
    assertEquals("retrying", n.getString("receivers.slack.status"));
    assertEquals("delivered", n.getString("receivers.pagerduty.status"));
    Instant retryAt = Firestores.instant(n.getTimestamp("receivers.slack.nextAttemptAt"));
    assertEquals(bed.clock.instant().plusSeconds(30), retryAt, "first backoff 30 s");

    // Not due yet: nothing is sent again, the delivered receivers are never re-sent.
    notify(bed);
    assertEquals(1, fakes.at("pagerduty").size());
    bed.clock.advance(Duration.ofSeconds(30));
    notify(bed);
    n = notification("backup:hourly:stale");
    assertEquals(2L, n.getLong("receivers.slack.attempts"));
    assertEquals(
        bed.clock.instant().plusSeconds(60),
        Firestores.instant(n.getTimestamp("receivers.slack.nextAttemptAt")),
        "the backoff doubles");
    bed.clock.advance(Duration.ofSeconds(60));
    notify(bed);
    n = notification("backup:hourly:stale");
    assertEquals("dead", n.getString("receivers.slack.status"), "dead after 3 attempts");
    assertEquals("done", n.getString("status"));
    // The dead letter raised slack's own alert, which the other receivers carry, in the same run
    // (the run goes on while anything new is due); PagerDuty got the first alert exactly once.
    List<ReceiverFakes.Received> pd = fakes.at("pagerduty");
    assertEquals(2, pd.size(), String.valueOf(pd));
    assertEquals("recovery:backup:hourly:stale", pd.get(0).json().get("dedup_key").getAsString());
    assertEquals(
        "alerting:receiver:slack:failing", pd.get(1).json().get("dedup_key").getAsString());
    assertTrue(fakes.at("slack").isEmpty(), "slack is not told that slack is failing");

    // Slack works again: the next delivery to it resolves its alert.
    fakes.failNext("slack", 500, 0);
    alerts().raise("cost", "budget:video:90", Alerts.Severity.WARNING, "video budget", Map.of());
    notify(bed);
    notify(bed);
    assertEquals(1, fakes.at("slack").size());
    List<ReceiverFakes.Received> pdAfter = fakes.at("pagerduty");
    ReceiverFakes.Received last = pdAfter.get(pdAfter.size() - 1);
    assertEquals("resolve", last.json().get("event_action").getAsString());
    assertEquals("alerting:receiver:slack:failing", last.json().get("dedup_key").getAsString());
  }

  @Test
  void aRefusalThatARetryCannotFixIsDeadLetteredAtOnce() throws Exception {
    fakes.failNext("webhook", 400, 1);
    alerts().raise("cdn", "bandwidth:spike", Alerts.Severity.WARNING, "spike", Map.of());
    notify(bed);
    DocumentSnapshot n = notification("bandwidth:spike");
    assertEquals("dead", n.getString("receivers.webhook.status"));
    assertEquals(1L, n.getLong("receivers.webhook.attempts"));
    assertTrue(n.getString("receivers.webhook.lastError").contains("HTTP 400"));
    DocumentSnapshot failing = notification("receiver:webhook:failing");
    assertEquals("alerting", failing.getString("source"));
    assertEquals("critical", failing.getString("severity"));
  }

  @Test
  void aBacklogOfManyPagesDrainsInOneRun() throws Exception {
    bed.close();
    bed = bed(Map.of("ALERT_NOTIFIER_BATCH", "5"));
    route(bed, IMMEDIATE);
    for (int i = 0; i < 17; i++) {
      alerts()
          .raise("monitoring", "svc" + i + ":errors", Alerts.Severity.WARNING, "errors", Map.of());
    }
    JsonObject summary = notify(bed).getAsJsonObject("summary").getAsJsonObject("notifier");
    assertEquals(17, summary.get("notifications").getAsInt(), summary.toString());
    assertEquals(17, fakes.at("pagerduty").size(), "4 pages of 5 (and the last of 2), one run");
    assertTrue(notifications().stream().allMatch(d -> "done".equals(d.getString("status"))));
  }

  @Test
  void twoNotifiersAtOnceDeliverEachNotificationOnce() throws Exception {
    for (int i = 0; i < 12; i++) {
      alerts()
          .raise("monitoring", "svc" + i + ":errors", Alerts.Severity.WARNING, "errors", Map.of());
    }
    TestBed other = bed.sibling(b -> b); // the same Firestore: the same routing
    Notifier a = bed.root.alerting().notifier();
    Notifier b = other.root.alerting().notifier();
    Instant deadline = bed.clock.instant().plusSeconds(50);
    List<Callable<Notifier.Summary>> runs = new ArrayList<>();
    runs.add(() -> a.run(deadline));
    runs.add(() -> b.run(deadline));
    runs.add(() -> a.run(deadline));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (Future<Notifier.Summary> f : pool.invokeAll(runs)) {
        assertNotNull(f.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(12, fakes.at("pagerduty").size(), "each notification once at PagerDuty");
    assertEquals(12, fakes.at("webhook").size(), "each notification once at the webhook");
    assertEquals(
        12,
        fakes.at("pagerduty").stream()
            .map(r -> r.json().get("dedup_key").getAsString())
            .distinct()
            .count());
    assertTrue(notifications().stream().allMatch(d -> "done".equals(d.getString("status"))));
    other.close();
  }

  @Test
  void halfConfiguredReceiversAreRefusedWithEveryProblemListed() {
    TestBed broken =
        bed(
            Map.of(
                "ALERT_WEBHOOK_SECRET", "short",
                "ALERT_SMS_TO", "500100200",
                "ALERT_SLACK_WEBHOOK_URL", "ftp://slack"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> broken.root.alerting());
    String m = e.getMessage();
    assertTrue(m.contains("ALERT_WEBHOOK_SECRET must be at least 16 characters"), m);
    assertTrue(m.contains("ALERT_SMS_TO must list E.164 numbers"), m);
    assertTrue(m.contains("ALERT_SLACK_WEBHOOK_URL must be an http(s) URL"), m);
    broken.close();
  }

  @Test
  void withNoReceiverConfiguredTheNotifierFinishesNotificationsQuietly() throws Exception {
    TestBed quiet = TestBed.builder().at("2026-12-02T03:00:00Z").build();
    route(quiet, IMMEDIATE);
    quiet
        .platform
        .alerts()
        .raise("routing", "region:US:degraded", Alerts.Severity.WARNING, "slow", Map.of());
    JsonObject run = notify(quiet);
    assertEquals(
        0, run.getAsJsonObject("summary").getAsJsonObject("notifier").get("receivers").getAsInt());
    assertEquals(
        "off",
        run.getAsJsonObject("summary").getAsJsonObject("watchdog").get("status").getAsString());
    DocumentSnapshot n =
        Firestores.await(quiet.db.collection(Alerts.NOTIFICATIONS).get()).getDocuments().get(0);
    assertEquals("done", n.getString("status"));
    assertFalse(fakes.received.iterator().hasNext());
    quiet.close();
  }

  @Test
  void anAcknowledgementReachesPagerDutyAndSlackAndTheAlertStaysOpen() throws Exception {
    String id =
        alerts()
            .raise("routing", "region:US:unhealthy", Alerts.Severity.CRITICAL, "US down", Map.of());
    notify(bed);
    var ack = bed.callAsAdmin(new AcknowledgeAlert(bed.platform), "{\"alertId\": \"" + id + "\"}");
    assertEquals(200, ack.status(), ack.body());
    assertTrue(ack.result().getAsJsonObject().get("changed").getAsBoolean());
    var again =
        bed.callAsAdmin(new AcknowledgeAlert(bed.platform), "{\"alertId\": \"" + id + "\"}");
    assertEquals(false, again.result().getAsJsonObject().get("changed").getAsBoolean());
    notify(bed);
    List<ReceiverFakes.Received> pd = fakes.at("pagerduty");
    assertEquals(2, pd.size());
    assertEquals("acknowledge", pd.get(1).json().get("event_action").getAsString());
    assertEquals("routing:region:US:unhealthy", pd.get(1).json().get("dedup_key").getAsString());
    assertTrue(
        fakes.at("slack").get(1).json().get("text").getAsString().startsWith("[ACKNOWLEDGED]"));
    assertEquals(1, fakes.at("sms").size(), "no text message for an acknowledgement");
    assertEquals(1, fakes.at("webhook").size(), "Alertmanager's format has no acknowledgement");
    DocumentSnapshot alert =
        Firestores.await(bed.db.collection(Alerts.COLLECTION).document(id).get());
    assertEquals("open", alert.getString("status"));

    assertTrue(alerts().resolve("routing", "region:US:unhealthy", "checks", "up"));
    var resolved =
        bed.callAsAdmin(new AcknowledgeAlert(bed.platform), "{\"alertId\": \"" + id + "\"}");
    assertEquals(400, resolved.status());
    assertEquals("FAILED_PRECONDITION", resolved.errorStatus());
    assertEquals(
        404,
        bed.callAsAdmin(new AcknowledgeAlert(bed.platform), "{\"alertId\": \"nope\"}").status());
  }

  @Test
  void aSilenceHoldsBackMatchingNotificationsUntilItIsExpired() throws Exception {
    AlertingModule alerting = bed.root.alerting();
    var created =
        bed.callAsAdmin(
            new CreateSilence(bed.platform, alerting),
            """
            {"matchers": [{"name": "source", "value": "scaling"},
                          {"name": "key", "value": "actuation:.*", "regex": true}],
             "durationMinutes": 60, "comment": "Cloud Run maintenance"}
            """);
    assertEquals(200, created.status(), created.body());
    String silenceId = created.result().getAsJsonObject().get("silenceId").getAsString();

    alerts()
        .raise("scaling", "actuation:chat", Alerts.Severity.CRITICAL, "update failed", Map.of());
    alerts().raise("scaling", "viral:chat", Alerts.Severity.WARNING, "viral", Map.of());
    JsonObject run = notify(bed);
    assertEquals(
        1, run.getAsJsonObject("summary").getAsJsonObject("notifier").get("silenced").getAsInt());
    DocumentSnapshot held = notification("actuation:chat");
    assertEquals("silenced", held.getString("status"));
    assertEquals(silenceId, held.getString("silencedBy"));
    assertEquals(
        List.of("scaling:viral:chat"),
        fakes.at("pagerduty").stream().map(r -> r.json().get("dedup_key").getAsString()).toList(),
        "only the alert the silence does not match is delivered");

    var expired =
        bed.callAsAdmin(
            new ExpireSilence(bed.platform, alerting), "{\"silenceId\": \"" + silenceId + "\"}");
    assertTrue(expired.result().getAsJsonObject().get("expired").getAsBoolean(), expired.body());
    bed.clock.advance(Duration.ofMinutes(1));
    alerts().resolve("scaling", "actuation:chat", "evaluator", "fixed");
    notify(bed);
    assertEquals("resolve", fakes.at("pagerduty").get(1).json().get("event_action").getAsString());
  }

  @Test
  void aSilenceNeedsMatchersACommentAndAValidPattern() throws Exception {
    AlertingModule alerting = bed.root.alerting();
    Map<String, String> refused =
        Map.of(
            """
            {"matchers": [], "durationMinutes": 10, "comment": "x"}\
            """,
            "matchers",
            """
            {"matchers": [{"name": "zone", "value": "EU"}], "durationMinutes": 10, "comment": "x"}\
            """,
            "matchers[0].name",
            """
            {"matchers": [{"name": "key", "value": "(", "regex": true}], "durationMinutes": 10,
             "comment": "x"}\
            """,
            "matchers[0].value",
            """
            {"matchers": [{"name": "key", "value": "a"}], "durationMinutes": 20000, "comment": "x"}\
            """,
            "durationMinutes",
            """
            {"matchers": [{"name": "key", "value": "a"}], "durationMinutes": 10, "comment": "  "}\
            """,
            "comment");
    assertEachRefusedNaming(bed, new CreateSilence(bed.platform, alerting), refused);
    assertTrue(
        Firestores.await(bed.db.collection(SilenceStore.COLLECTION).get()).isEmpty(),
        "a refused silence writes nothing");
  }

  @Test
  void detailsWithNullsAreDeliveredAndOneBadRecordDoesNotHoldUpTheOthers() throws Exception {
    // A region whose every probe failed has no median latency: RegionAlerts stores an explicit
    // null.
    Map<String, Object> details = new HashMap<>();
    details.put("regionId", "EU");
    details.put("medianLatencyMs", null);
    alerts().raise("routing", "region:EU", Alerts.Severity.CRITICAL, "EU down", details);
    bed.db
        .collection(Alerts.NOTIFICATIONS)
        .document("broken")
        .set(Map.of("status", "pending", "nextAttemptAt", com.google.cloud.Timestamp.MIN_VALUE))
        .get();
    JsonObject run = notify(bed);
    JsonObject summary = run.getAsJsonObject("summary").getAsJsonObject("notifier");
    assertEquals(1, summary.get("errors").getAsInt(), run.toString());
    assertEquals(1, fakes.at("pagerduty").size(), "the good notification went out");
    assertEquals(
        "EU",
        fakes
            .at("webhook")
            .get(0)
            .json()
            .getAsJsonArray("alerts")
            .get(0)
            .getAsJsonObject()
            .getAsJsonObject("labels")
            .get("region")
            .getAsString(),
        "regionId became the region label");
  }

  @Test
  void theWebhookSignatureIsTheRfc4231HmacSha256() {
    // RFC 4231 test case 2.
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        WebhookReceiver.sign(
            "Jefe".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "what do ya want for nothing?"));
  }
}

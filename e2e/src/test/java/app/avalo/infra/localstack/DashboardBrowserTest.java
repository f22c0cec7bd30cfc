package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Platform;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The admin dashboard in headless Chromium ({@code e2e/browser-tests/dashboard.test.mjs},
 * playwright-core driving Debian's {@code /usr/bin/chromium}) against the dev server with every
 * domain's demo data: each view populated at laptop and phone width, one action per domain, a
 * non-admin denied. For the alerting view, an alert is delivered for real first (the production
 * receivers against the dev server's local ones: one delivered, one retrying, one dead-lettered).
 * Each node test is one JUnit test; screenshots of every view go to {@code
 * e2e/target/dashboard-screenshots/}.
 */
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TestFactory
  Stream<DynamicTest> dashboardInHeadlessChromium() throws Exception {
    assertTrue(
        Files.isExecutable(CHROMIUM),
        "Debian's chromium is missing at "
            + CHROMIUM
            + ": apt-get install -y chromium (.ci/run does)");
    Path root = LocalStack.repoRoot();
    assertTrue(
        Files.isRegularFile(root.resolve("admin-web/dist/index.html")),
        "admin-web/dist is not built: run the tests with bin/test (it runs admin-web/build.mjs)");
    DevServer server = LocalStack.server();
    server.seedDemoData();

    Map<String, String> env = new HashMap<>();
    env.put("AVALO_DEV_URL", server.baseUrl());
    env.put("AVALO_ADMIN_EMAIL", DevServer.DEMO_ADMIN_EMAIL);
    env.put("AVALO_ADMIN_PASSWORD", DevServer.DEMO_ADMIN_PASSWORD);
    env.put("AVALO_USER_EMAIL", DevServer.DEMO_USER_EMAIL);
    env.put("AVALO_USER_PASSWORD", DevServer.DEMO_USER_PASSWORD);
    env.put("AVALO_SCREENSHOT_DIR", root.resolve("e2e/target/dashboard-screenshots").toString());
    // Ids the action tests work on, taken from the seeded data (empty when a domain seeds none).
    Firestore db = server.platform().firestore();
    env.put("AVALO_CDN_ASSET_ID", firstId(db, "cdnAssets", "status", "ready"));
    // The takedown test removes an asset: another one than the purge test's.
    env.put(
        "AVALO_CDN_TAKEDOWN_ASSET_ID",
        db
            .collection("cdnAssets")
            .whereEqualTo("status", "ready")
            .limit(2)
            .get()
            .get()
            .getDocuments()
            .stream()
            .skip(1)
            .findFirst()
            .map(QueryDocumentSnapshot::getId)
            .orElse(""));
    String walletUser = firstId(db, "wallet", null, null);
    env.put("AVALO_WALLET_USER_ID", walletUser);
    // Damage the wallet after its backup, so the dry run has a change to preview (and must not undo
    // it).
    Long tampered = null;
    if (!walletUser.isEmpty()) {
      DocumentReference wallet = db.collection("wallet").document(walletUser);
      tampered = wallet.get().get().getLong("balance") + 12_345;
      wallet.update("balance", tampered).get();
    }
    Map<String, String> delivered = deliverAnAlert(server);
    env.putAll(delivered);
    Stream<DynamicTest> browser =
        NodeTestRun.run(
            root,
            root.resolve("e2e/browser-tests/dashboard.test.mjs"),
            env,
            Duration.ofMinutes(12));
    // The wallet check always runs: without a seeded wallet it fails, naming why, rather than
    // vanishing from the report (the browser's dry-run test is then reported skipped too).
    Long expected = tampered;
    return Stream.concat(
        browser,
        Stream.of(
            DynamicTest.dynamicTest(
                "the dry-run recovery from the dashboard left the wallet as it was",
                () -> {
                  assertNotNull(
                      expected,
                      "the demo seed wrote no wallet document, so the dashboard's dry-run recovery"
                          + " could not be checked (RecoverySeed should seed demo-user-1..3)");
                  assertEquals(
                      expected,
                      db.collection("wallet").document(walletUser).get().get().getLong("balance"));
                })));
  }

  /**
   * Raises one alert and delivers it through the production receivers, configured as bin/dev's demo
   * (a second alerting module on the same Firestore, {@link LocalAlerting}), to the dev server's
   * local receivers: Slack accepts it, PagerDuty refuses a routing key it does not know (400, so
   * dead-lettered at once, which raises the PagerDuty receiver's own alert through the others), and
   * the webhook answers 503 once (retrying). Returns the alert's id and key for the browser.
   */
  private static Map<String, String> deliverAnAlert(DevServer server) throws Exception {
    LocalAlerting alerting =
        LocalAlerting.deliveringTo(
            server, Map.of("ALERT_PAGERDUTY_ROUTING_KEY", "0123456789abcdef0123456789abcdef"));
    Platform platform = alerting.platform();
    server.receivers().failNext("webhook", 503, 1);
    String alertId =
        platform
            .alerts()
            .raise(
                "browser-test",
                "receivers:demo",
                Alerts.Severity.WARNING,
                "an alert for the dashboard's acknowledge, silence and notification log",
                Map.of("value", 12, "threshold", 10));
    alerting.awaitDeliveries();
    List<String> refusals =
        server.receivers().received().stream()
            .filter(r -> r.receiver().equals("pagerduty") && !r.accepted())
            .map(LocalReceivers.Received::reason)
            .toList();
    assertTrue(
        refusals.stream().anyMatch(r -> r.contains("routing_key")),
        "the local PagerDuty refused the unknown routing key: " + server.receivers().received());
    return Map.of("AVALO_ALERT_ID", alertId, "AVALO_ALERT_KEY", "browser-test/receivers:demo");
  }

  private static String firstId(Firestore db, String collection, String field, String value)
      throws Exception {
    var query =
        field == null
            ? db.collection(collection).limit(1)
            : db.collection(collection).whereEqualTo(field, value).limit(1);
    List<QueryDocumentSnapshot> docs = query.get().get().getDocuments();
    return docs.isEmpty() ? "" : docs.get(0).getId();
  }
}

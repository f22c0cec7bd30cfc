package app.avalo.infra.localstack;

import app.avalo.infra.alerting.AlertingModule;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.AuthEmulator;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Alert delivery as bin/dev's demo configures it, for tests sharing a dev server that delivers
 * alerts nowhere: a second platform and alerting module on the dev server's Firestore, with every
 * receiver pointed at the dev server's local receivers ({@link LocalReceivers#demoEnv}). Each alert
 * change is kicked, as in production, onto one delivery thread (so a notification is delivered
 * whole before the alerts its failures raise); {@link #awaitDeliveries} waits until it is idle. The
 * routing is set (through {@code updateAlertRouting}, as an admin would) to send every alert to
 * every receiver at once, on its own: these tests are about the receivers; grouping and the default
 * tree are AlertRoutingTest's and the smoke test's.
 */
record LocalAlerting(Platform platform, AlertingModule module, ThreadPoolExecutor kicks) {
  static LocalAlerting deliveringTo(DevServer server, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(LocalReceivers.demoEnv(server.baseUrl(), server.baseUrl() + "/admin/", null, null));
    env.putAll(overrides);
    Platform platform =
        Platform.builder(env)
            .firestore(server.platform().firestore())
            .storage(server.platform().storage())
            .build();
    ThreadPoolExecutor kicks =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    AlertingModule module =
        new AlertingModule(
            platform, new AlertingModule.Adapters(HttpClient.newHttpClient(), kicks));
    platform.alerts().onNotification(module::kick);
    routeEverythingAtOnce(server);
    return new LocalAlerting(platform, module, kicks);
  }

  static void routeEverythingAtOnce(DevServer server) {
    DevClient client = new DevClient(server.baseUrl());
    String admin = AuthEmulator.newAdmin().idToken();
    long version =
        client.call("getAlertRouting", "{}", admin).getAsJsonObject().get("version").getAsLong();
    client.call(
        "updateAlertRouting",
        """
        {"expectedVersion": %d,
         "route": {"receivers": ["pagerduty", "slack", "email", "sms", "webhook"],
                   "groupBy": ["..."], "groupWaitSeconds": 0, "groupIntervalSeconds": 0,
                   "repeatIntervalMinutes": 240}}
        """
            .formatted(version),
        admin);
  }

  /** Waits until every kicked delivery (and those they kicked) has finished. */
  void awaitDeliveries() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (kicks.getCompletedTaskCount() < kicks.getTaskCount()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("alert deliveries still running after 60 s");
      }
      Thread.sleep(20);
    }
  }
}

package app.avalo.infra.localstack;

import app.avalo.infra.alerting.AlertingModule;
import app.avalo.infra.platform.Platform;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.Map;

/**
 * Alert delivery as bin/dev's demo configures it, for tests sharing a dev server that delivers
 * alerts nowhere: a second platform and alerting module on the dev server's Firestore, with every
 * receiver pointed at the dev server's local receivers ({@link LocalReceivers#demoEnv}), delivering
 * each alert change synchronously as it is raised (the production receivers, the test's thread).
 */
record LocalAlerting(Platform platform, AlertingModule module) {
  static LocalAlerting deliveringTo(DevServer server, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(LocalReceivers.demoEnv(server.baseUrl(), server.baseUrl() + "/admin/", null, null));
    env.putAll(overrides);
    Platform platform =
        Platform.builder(env)
            .firestore(server.platform().firestore())
            .storage(server.platform().storage())
            .build();
    AlertingModule module =
        new AlertingModule(
            platform, new AlertingModule.Adapters(HttpClient.newHttpClient(), Runnable::run));
    platform.alerts().onNotification(module::kick);
    return new LocalAlerting(platform, module);
  }
}

package app.avalo.infra.platform;

import java.io.StringReader;
import java.util.Map;

/** Purpose-built functions for protocol tests, with their own catalog. */
final class TestFunctions {
  private TestFunctions() {}

  /** Catalog defaults for test catalogs: sizing per kind and the scheduler settings. */
  static final String DEFAULTS =
      """
      "defaults": {
        "sizing": {
          "callable": {"cpu": "1", "concurrency": 40, "minInstances": 0, "maxInstances": 5, "cpuBoost": true,
                       "javaToolOptions": "-XX:+UseSerialGC"},
          "job": {"cpu": "1", "concurrency": 1, "minInstances": 0, "maxInstances": 2, "cpuBoost": false,
                  "javaToolOptions": ""}},
        "scheduler": {"timeZone": "Etc/UTC",
                      "retry": {"maxRetryAttempts": 3, "minBackoff": "10s", "maxBackoff": "300s", "maxDoublings": 3}}}\
      """;

  static final Catalog CATALOG =
      Catalog.parse(
          new StringReader(
              """
              {"region": "europe-west10",
               %s,
               "functions": [
                {"name": "echoPublic", "entryPoint": "app.avalo.infra.platform.TestFunctions$EchoPublic", "kind": "callable",
                 "access": "public", "memory": "256Mi", "timeoutSeconds": 10, "description": "echo"},
                {"name": "echoUser", "entryPoint": "app.avalo.infra.platform.TestFunctions$EchoUser", "kind": "callable",
                 "access": "user", "memory": "256Mi", "timeoutSeconds": 10, "description": "echo"},
                {"name": "adminAction", "entryPoint": "app.avalo.infra.platform.TestFunctions$AdminAction", "kind": "callable",
                 "access": "admin", "memory": "256Mi", "timeoutSeconds": 10, "audited": true, "description": "admin"},
                {"name": "backendCall", "entryPoint": "app.avalo.infra.platform.TestFunctions$BackendCall", "kind": "callable",
                 "access": "private", "memory": "256Mi", "timeoutSeconds": 10, "description": "backend"},
                {"name": "countingJob", "entryPoint": "app.avalo.infra.platform.TestFunctions$CountingJob", "kind": "job",
                 "access": "private", "memory": "256Mi", "timeoutSeconds": 10, "schedule": "* * * * *", "scheduler": {"attemptDeadline": "30s"}, "description": "job"}
              ]}
              """
                  .formatted(DEFAULTS)));

  /** Echoes a validated {@code n} and {@code name} back with the caller. */
  static class EchoPublic extends ApiFunction {
    EchoPublic(Platform platform) {
      super(platform);
    }

    @Override
    protected Object handle(Request request) {
      Fields data = request.data();
      long n = data.optionalLong("n", 0, Long.MAX_VALUE).orElse(0);
      String name = data.optionalString("name", 20).orElse("");
      data.done();
      return Map.of(
          "n",
          n,
          "name",
          name,
          "uid",
          String.valueOf(request.caller().uid()),
          "admin",
          request.caller().admin());
    }
  }

  static final class EchoUser extends EchoPublic {
    EchoUser(Platform platform) {
      super(platform);
    }
  }

  static final class AdminAction extends ApiFunction {
    AdminAction(Platform platform) {
      super(platform);
    }

    @Override
    protected Object handle(Request request) {
      String what = request.data().string("what", 50);
      request.data().done();
      if (what.equals("explode")) {
        throw new IllegalStateException("secret internal detail");
      }
      return Map.of("did", what);
    }
  }

  static final class BackendCall extends ApiFunction {
    BackendCall(Platform platform) {
      super(platform);
    }

    @Override
    protected Object handle(Request request) {
      long v = request.data().longValue("value", -10, 10);
      request.data().done();
      return Map.of("value", v);
    }
  }

  /** Counts its runs in Firestore; sleeps when asked so overlapping deliveries can be tested. */
  static final class CountingJob extends ScheduledJob {
    static volatile long sleepMillis;
    static volatile boolean fail;

    CountingJob(Platform platform) {
      super(platform);
    }

    @Override
    protected JobRunner.Result run(JobContext context) throws Exception {
      if (fail) {
        context.progress("step", "halfway");
        throw new IllegalStateException("boom");
      }
      new ShardedCounter(platform().firestore(), "testCounters", 1)
          .increment("runs", Map.of("n", 1L));
      Thread.sleep(sleepMillis);
      return JobRunner.Result.of(Map.of("scheduledFor", context.scheduledFor().toString()));
    }
  }
}

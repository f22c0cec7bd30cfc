package app.avalo.infra.bench;

import app.avalo.infra.localstack.AuthEmulatorClient;
import app.avalo.infra.platform.Json;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * checkThrottle with 50 concurrent callers hammering one user: latency, and allowed vs the limit.
 */
final class ThrottleScenario {
  /** The default "ai" limit (docs/cost.md): 30 per minute, burst 10. */
  private static final double PER_SECOND = 30 / 60.0;

  private static final int BURST = 10;

  private ThrottleScenario() {}

  static void run(Bench bench) throws Exception {
    var config = bench.server().platform().config();
    String token =
        new AuthEmulatorClient(config.authEmulatorHost(), config.projectId())
            .ensureAccount(
                "throttle-" + UUID.randomUUID() + "@avalo.local", "bench-password", false)
            .idToken();
    AtomicLong allowed = new AtomicLong();
    AtomicLong denied = new AtomicLong();
    Duration length = bench.measure(Duration.ofSeconds(30));
    LoadRunner.Result result =
        LoadRunner.run(
            50,
            Duration.ZERO,
            length,
            () -> {
              var r = bench.post("checkThrottle", "{\"data\":{\"service\":\"ai\"}}", token);
              if (r.statusCode() != 200) {
                return false;
              }
              JsonObject answer =
                  Json.parseStrict(r.body()).getAsJsonObject().getAsJsonObject("result");
              (answer.get("allowed").getAsBoolean() ? allowed : denied).incrementAndGet();
              return true;
            });
    double limit = BURST + PER_SECOND * result.seconds();
    double accuracy = allowed.get() / limit;
    bench
        .report()
        .row(
            "checkThrottle, 50 callers / 1 user",
            "latency p50 / p99",
            Report.ms(result.p50Millis()) + " / " + Report.ms(result.p99Millis()),
            "",
            "",
            "",
            "");
    bench
        .report()
        .row(
            "checkThrottle, 50 callers / 1 user",
            "allowed / limit (burst 10 + 30/min × " + Math.round(result.seconds()) + " s)",
            allowed.get()
                + " / "
                + String.format("%.1f", limit)
                + String.format(" = %.3f", accuracy),
            "",
            "",
            "within a few %",
            Report.verdict(Math.abs(accuracy - 1) <= 0.05));
    bench
        .report()
        .row(
            "checkThrottle, 50 callers / 1 user",
            "decisions/s (allowed + denied)",
            Report.rate((allowed.get() + denied.get()) / result.seconds(), "req"),
            "",
            "",
            "",
            "");
    bench
        .report()
        .raw(
            "checkThrottle",
            Map.of(
                "allowed",
                allowed.get(),
                "denied",
                denied.get(),
                "limit",
                limit,
                "failedCalls",
                result.failures(),
                "p99ms",
                result.p99Millis()));
  }
}

package app.avalo.infra.localstack.seed;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;

/**
 * Demo traffic for the monitoring views: a few hundred realistic samples per service over the last
 * four minutes, sent through the real track functions, with chat delivery slow enough (p95 ≈ 670 ms
 * against 400 ms) to open a critical alert; then one health check so the overview has health and
 * alerts straight away.
 *
 * <p>Samples must be recent (the track functions refuse samples older than five minutes), so this
 * seeds "live" traffic. Idempotent across quick restarts: it skips when it seeded within the last
 * five minutes; later it adds fresh traffic, as a running backend would.
 */
public final class MonitoringSeed implements DemoSeed {
  private static final Duration RESEED_AFTER = Duration.ofMinutes(5);

  @Override
  public String name() {
    return "monitoring";
  }

  @Override
  public void seed(SeedContext context) {
    Instant now = context.root().platform().clock().instant();
    DocumentReference marker =
        context.root().platform().firestore().collection("monitoringState").document("demoSeed");
    DocumentSnapshot last = Firestores.await(marker.get());
    if (last.exists()
        && last.getTimestamp("seededAt") != null
        && Firestores.instant(last.getTimestamp("seededAt")).isAfter(now.minus(RESEED_AFTER))) {
      return;
    }
    Random random = new Random(now.getEpochSecond());
    // (samples, median ms, log-normal sigma, failure probability); chat's p95 ≈ 320·e^(0.45·1.645)
    // ≈ 670 ms.
    send(context, "trackChatDelivery", latencies(random, now, 120, 320, 0.45, 0.01));
    send(context, "trackWalletTransaction", latencies(random, now, 90, 110, 0.3, 0.001));
    send(context, "trackEventCheckout", latencies(random, now, 40, 200, 0.35, 0.02));
    send(context, "trackAiResponse", latencies(random, now, 60, 230, 0.25, 0.01));
    send(context, "trackPanicButton", latencies(random, now, 25, 35, 0.3, 0.0));
    send(context, "trackVideoCallQuality", packetLoss(random, now, 60));
    context.callPrivate("runHealthCheck", "{}");
    Firestores.await(marker.set(Map.of("seededAt", Firestores.timestamp(now))));
  }

  private static void send(SeedContext context, String function, JsonArray samples) {
    JsonObject body = new JsonObject();
    body.add("samples", samples);
    context.callPrivate(function, body.toString());
  }

  /**
   * {@code n} log-normal latencies around {@code medianMs}, spread over the last four whole
   * minutes.
   */
  private static JsonArray latencies(
      Random random, Instant now, int n, double medianMs, double sigma, double failureRate) {
    JsonArray samples = new JsonArray();
    for (int i = 0; i < n; i++) {
      JsonObject s = new JsonObject();
      double latency = Math.min(120_000, medianMs * Math.exp(sigma * random.nextGaussian()));
      s.addProperty("latencyMs", Math.round(latency * 10) / 10.0);
      s.addProperty("success", random.nextDouble() >= failureRate);
      s.addProperty("at", at(random, now, i, n).toString());
      samples.add(s);
    }
    return samples;
  }

  /** Mostly clean calls, a few lossy ones. */
  private static JsonArray packetLoss(Random random, Instant now, int n) {
    JsonArray samples = new JsonArray();
    for (int i = 0; i < n; i++) {
      JsonObject s = new JsonObject();
      double loss =
          random.nextDouble() < 0.8 ? random.nextDouble() * 0.4 : random.nextDouble() * 2.0;
      s.addProperty("packetLossPct", Math.round(loss * 100) / 100.0);
      s.addProperty("success", random.nextDouble() >= 0.01);
      s.addProperty("at", at(random, now, i, n).toString());
      samples.add(s);
    }
    return samples;
  }

  /**
   * Sample i of n, in one of the four minutes before the current one (never older than the accepted
   * age).
   */
  private static Instant at(Random random, Instant now, int i, int n) {
    Instant minute =
        now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(4 - (i * 4L / n)));
    Instant t = minute.plusMillis(random.nextInt(60_000));
    Instant oldest = now.minus(Duration.ofSeconds(280));
    return t.isBefore(oldest) ? oldest : t.isAfter(now) ? now : t;
  }
}

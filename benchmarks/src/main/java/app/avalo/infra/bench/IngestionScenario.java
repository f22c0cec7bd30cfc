package app.avalo.infra.bench;

import app.avalo.infra.platform.Json;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sustained metrics ingestion: samples/s with every sample counted, and the busiest document's
 * write rate.
 */
final class IngestionScenario {

  private IngestionScenario() {}

  /** Shards per service-minute the bench's dev server uses (MONITORING_BUCKET_SHARDS). */
  static final int SHARDS = 64;

  static void run(Bench bench) throws Exception {
    // The design point: one 500-sample call per shard per second, so no document exceeds ~1
    // write/s.
    phase(
        bench,
        "design point",
        "trackChatDelivery",
        "chat",
        8,
        SHARDS * 0.9,
        500,
        bench.measure(Duration.ofSeconds(60)));
    // Flat out: as fast as 8 senders go; shows the headroom and what it costs per document.
    phase(
        bench,
        "flat out",
        "trackAiResponse",
        "ai",
        8,
        0,
        500,
        bench.measure(Duration.ofSeconds(20)));
  }

  private static void phase(
      Bench bench,
      String label,
      String function,
      String service,
      int senders,
      double callsPerSecond,
      int batch,
      Duration length)
      throws Exception {
    Instant from = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Map<String, Long> writesBefore = documentWrites(bench);
    AtomicLong sent = new AtomicLong();
    String name = "metrics ingestion (" + label + ")";
    LoadRunner.Result result =
        LoadRunner.run(
            senders,
            callsPerSecond,
            Duration.ZERO,
            length,
            () -> {
              StringBuilder body = new StringBuilder("{\"samples\":[");
              ThreadLocalRandom random = ThreadLocalRandom.current();
              for (int i = 0; i < batch; i++) {
                if (i > 0) {
                  body.append(',');
                }
                body.append("{\"latencyMs\":").append(20 + random.nextInt(600)).append('}');
              }
              body.append("]}");
              boolean ok = bench.post(function, body.toString(), null).statusCode() == 200;
              if (ok) {
                sent.addAndGet(batch);
              }
              return ok;
            });
    Instant to = Instant.now().plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MINUTES);
    long counted = countedSamples(bench, service, from, to);
    double rate = sent.get() / result.seconds();
    String pacing = callsPerSecond > 0 ? String.format("%.0f calls/s", callsPerSecond) : "unpaced";
    bench
        .report()
        .row(
            name,
            "samples/s sustained ("
                + Math.round(result.seconds())
                + " s, "
                + pacing
                + " × "
                + batch
                + " samples, "
                + senders
                + " senders)",
            Report.rate(rate, "samples"),
            "",
            "",
            "",
            "");
    bench
        .report()
        .row(
            name,
            "samples counted / sent (failed calls: " + result.failures() + ")",
            counted + " / " + sent.get(),
            "",
            "",
            "zero lost",
            Report.verdict(counted == sent.get()));
    bench
        .report()
        .row(
            name,
            "call latency p50 / p99",
            Report.ms(result.p50Millis()) + " / " + Report.ms(result.p99Millis()),
            "",
            "",
            "",
            "");
    Map<String, Long> writesAfter = documentWrites(bench);
    long busiest = 0;
    String busiestPath = "";
    for (var e : writesAfter.entrySet()) {
      long delta = e.getValue() - writesBefore.getOrDefault(e.getKey(), 0L);
      if (delta > busiest) {
        busiest = delta;
        busiestPath = e.getKey();
      }
    }
    double perSecond = busiest / result.seconds();
    boolean designPoint = callsPerSecond > 0;
    bench
        .report()
        .row(
            name,
            "busiest document's writes/s",
            String.format("%.2f writes/s", perSecond),
            "",
            "",
            designPoint ? "≈ ≤ 1 write/s" : "",
            designPoint ? Report.verdict(perSecond <= 1.25) : "");
    bench
        .report()
        .note(
            name
                + ": busiest document "
                + busiestPath.replaceFirst("^projects/[^/]+/databases/[^/]+/documents/", "")
                + " took "
                + busiest
                + " writes in "
                + Math.round(result.seconds())
                + " s ("
                + SHARDS
                + " shards per service-minute)");
    bench
        .report()
        .raw(
            "ingestion-" + service,
            Map.of(
                "sent",
                sent.get(),
                "counted",
                counted,
                "seconds",
                result.seconds(),
                "failedCalls",
                result.failures(),
                "busiestDocumentWrites",
                busiest));
  }

  private static long countedSamples(Bench bench, String service, Instant from, Instant to)
      throws Exception {
    String body =
        "{\"data\":{\"service\":\""
            + service
            + "\",\"metric\":\"latency\",\"from\":\""
            + from
            + "\",\"to\":\""
            + to
            + "\",\"resolution\":\"minute\"}}";
    JsonObject result =
        Json.parseStrict(bench.ok("getMetricsHistory", body, bench.adminToken()))
            .getAsJsonObject()
            .getAsJsonObject("result");
    long total = 0;
    for (JsonElement point : result.getAsJsonArray("points")) {
      total += point.getAsJsonObject().get("samples").getAsLong();
    }
    return total;
  }

  /** Writes per document so far, for the most-written documents (from the project's emulator). */
  private static Map<String, Long> documentWrites(Bench bench) throws Exception {
    String stats = System.getenv("AVALO_FIRESTORE_EMULATOR_STATS");
    if (stats == null || stats.isBlank()) {
      throw new IllegalStateException(
          "AVALO_FIRESTORE_EMULATOR_STATS is not set: run through bin/bench");
    }
    HttpResponse<String> r =
        bench
            .http()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + stats + "/stats/documents?top=1000"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Map<String, Long> writes = new HashMap<>();
    for (JsonElement row : Json.parseStrict(r.body()).getAsJsonArray()) {
      writes.put(
          row.getAsJsonObject().get("path").getAsString(),
          row.getAsJsonObject().get("writes").getAsLong());
    }
    return writes;
  }
}

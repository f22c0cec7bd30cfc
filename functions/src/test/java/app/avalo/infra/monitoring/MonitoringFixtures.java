package app.avalo.infra.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.errorprone.annotations.FormatMethod;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The monitoring tests' setup on a {@link TestBed}: a bed with few bucket shards, the health check
 * run as Cloud Scheduler runs it, and latency samples sent in batches.
 */
final class MonitoringFixtures {
  private MonitoringFixtures() {}

  /** A bed starting at {@code start} whose minute buckets have 4 shards. */
  static TestBed.Builder bed(String start) {
    return TestBed.builder().at(start).env("MONITORING_BUCKET_SHARDS", "4");
  }

  static MonitoringModule monitoring(TestBed bed) {
    return bed.root.monitoring();
  }

  /** Runs the health check for the current minute, as Cloud Scheduler would. */
  static JsonObject runHealthCheck(TestBed bed) throws Exception {
    FakeExchange.Response r =
        bed.runJob(
            new RunHealthCheck(bed.platform, monitoring(bed)),
            BucketKey.minuteOf(bed.clock.instant()));
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  /** A batch body of latency samples at the current time. */
  static String latencyBatch(List<Double> latencies, boolean success) {
    JsonArray samples = new JsonArray();
    for (double latency : latencies) {
      JsonObject s = new JsonObject();
      s.addProperty("latencyMs", latency);
      s.addProperty("success", success);
      samples.add(s);
    }
    JsonObject body = new JsonObject();
    body.add("samples", samples);
    return body.toString();
  }

  /** Sends {@code n} samples of one latency through {@code function}, in batches of up to 500. */
  static void sendLatency(
      TestBed bed, ApiFunction function, int n, double latencyMs, boolean success)
      throws Exception {
    for (int sent = 0; sent < n; sent += SampleReader.MAX_BATCH) {
      int size = Math.min(SampleReader.MAX_BATCH, n - sent);
      bed.callPrivateOk(function, latencyBatch(Collections.nCopies(size, latencyMs), success));
    }
  }

  @FormatMethod
  static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}

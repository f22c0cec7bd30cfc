package app.avalo.infra.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.Firestore;
import com.google.errorprone.annotations.FormatMethod;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One isolated Firestore project, an Platform on a {@link MutableClock}, and ways to call the
 * monitoring functions.
 */
final class MonitoringHarness {
  final TestBed bed;
  final Firestore db;
  final MutableClock clock;
  final Platform app;
  private AuthEmulator.User admin;

  MonitoringHarness(String start, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(Map.of("MONITORING_BUCKET_SHARDS", "4"));
    all.putAll(env);
    this.bed = TestBed.builder().at(start).env(all).build();
    this.db = bed.db;
    this.clock = bed.clock;
    this.app = bed.platform;
  }

  MonitoringModule module() {
    return bed.root.monitoring();
  }

  AuthEmulator.User admin() {
    if (admin == null) {
      admin = AuthEmulator.newAdmin();
    }
    return admin;
  }

  /** Calls a private function with a plain JSON body. */
  FakeExchange.Response callPrivate(ApiFunction function, String body) throws Exception {
    return FakeExchange.post().body(body).send(function);
  }

  JsonObject callPrivateOk(ApiFunction function, String body) throws Exception {
    FakeExchange.Response r = callPrivate(function, body);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  /** Calls an admin callable; returns the raw response. */
  FakeExchange.Response callAdmin(ApiFunction function, String data) throws Exception {
    return FakeExchange.post().bearer(admin().idToken()).data(data).send(function);
  }

  JsonElement callAdminOk(ApiFunction function, String data) throws Exception {
    FakeExchange.Response r = callAdmin(function, data);
    assertEquals(200, r.status(), r.body());
    return r.result();
  }

  /** Runs the health check for the current minute, as Cloud Scheduler would. */
  JsonObject runHealthCheck() throws Exception {
    FakeExchange.Response r =
        FakeExchange.post()
            .header("X-CloudScheduler-ScheduleTime", BucketKey.minuteOf(clock.instant()).toString())
            .send(new RunHealthCheck(app, module()));
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

  /** Sends {@code n} samples of one latency, in batches of up to 500. */
  void sendLatency(ApiFunction function, int n, double latencyMs, boolean success)
      throws Exception {
    for (int sent = 0; sent < n; sent += SampleReader.MAX_BATCH) {
      int size = Math.min(SampleReader.MAX_BATCH, n - sent);
      callPrivateOk(function, latencyBatch(Collections.nCopies(size, latencyMs), success));
    }
  }

  static String iso(Instant t) {
    return t.toString();
  }

  @FormatMethod
  static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}

package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.format;
import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static app.avalo.infra.monitoring.MonitoringFixtures.sendLatency;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Minute series across sealed and live minutes; hourly rollups built by the pipeline; range checks.
 */
class MetricsHistoryTest {
  private static final Instant START = Instant.parse("2026-03-02T00:00:30Z");
  @RegisterExtension final TestBed bed = MonitoringFixtures.bed(START.toString()).build();

  /**
   * Ten chat samples every ten minutes for 2 h 10 min: 100 ms in hour 0, 200 ms in hour 1, 300 ms
   * in hour 2.
   */
  private void record() throws Exception {
    monitoring(bed).compactor().run();
    for (int minute = 0; minute <= 130; minute += 10) {
      bed.clock.set(START.plus(Duration.ofMinutes(minute)));
      sendLatency(
          bed,
          new TrackChatDelivery(bed.platform, monitoring(bed)),
          10,
          100 * (1 + minute / 60),
          true);
      monitoring(bed).compactor().run();
    }
  }

  @Test
  void pipelineSealsFinalMinutesAndRollsUpCompletedHours() throws Exception {
    record();
    MetricStore store = new MetricStore(bed.db, monitoring(bed).config());
    MetricStore.Pipeline pipeline = store.pipeline().orElseThrow();
    // now 02:10:30; samples may be 5 min old plus 2 min grace → minutes before 02:03 are final.
    assertEquals(Instant.parse("2026-03-02T02:03:00Z"), pipeline.sealedThrough());
    assertEquals(Instant.parse("2026-03-02T02:00:00Z"), pipeline.rolledThrough());
    var sealed =
        store.readMinutes(
            List.of(new BucketKey(MonitoredService.CHAT, Instant.parse("2026-03-02T01:20:00Z"))));
    assertEquals(10, sealed.values().iterator().next().count());
    var rollups =
        store.readRollups(
            List.of(
                new BucketKey(MonitoredService.CHAT, Instant.parse("2026-03-02T00:00:00Z")),
                new BucketKey(MonitoredService.CHAT, Instant.parse("2026-03-02T01:00:00Z"))));
    assertEquals(2, rollups.size());
    rollups.values().forEach(r -> assertEquals(60, r.count()));
    // The sealed minute and the rollup carry their TTL field.
    var minuteDoc =
        store
            .minuteRef(new BucketKey(MonitoredService.CHAT, Instant.parse("2026-03-02T01:20:00Z")))
            .get()
            .get();
    assertEquals(
        Instant.parse("2026-04-01T01:20:00Z"),
        minuteDoc.getTimestamp("expireAt").toDate().toInstant());
    var rollupDoc =
        store
            .rollupRef(new BucketKey(MonitoredService.CHAT, Instant.parse("2026-03-02T00:00:00Z")))
            .get()
            .get();
    assertEquals(
        Instant.parse("2027-04-06T00:00:00Z"),
        rollupDoc.getTimestamp("expireAt").toDate().toInstant());
  }

  @Test
  void minuteSeriesReadsSealedAndLiveMinutesAlike() throws Exception {
    record();
    JsonObject series =
        history("chat", "latency", "2026-03-02T01:50:00Z", "2026-03-02T02:11:00Z", "minute");
    assertEquals("minute", series.get("resolution").getAsString());
    JsonArray points = series.getAsJsonArray("points");
    assertEquals(21, points.size());
    // 02:00 is sealed, 02:10 still live: both show their ten samples.
    assertEquals(10, point(points, "2026-03-02T01:50:00Z").get("samples").getAsLong());
    assertEquals(10, point(points, "2026-03-02T02:00:00Z").get("samples").getAsLong());
    assertEquals(10, point(points, "2026-03-02T02:10:00Z").get("samples").getAsLong());
    assertEquals(0, point(points, "2026-03-02T02:05:00Z").get("samples").getAsLong());
    double p95 = point(points, "2026-03-02T02:10:00Z").get("p95").getAsDouble();
    assertEquals(300, p95, 300 * LogHistogram.MAX_RELATIVE_ERROR);
    JsonObject threshold = series.getAsJsonObject("threshold");
    assertEquals(400.0, threshold.get("value").getAsDouble());
    assertEquals("critical", threshold.get("severity").getAsString());
  }

  @Test
  void hourSeriesUsesRollupsAndSumsMinutesForHoursNotRolledUpYet() throws Exception {
    record();
    JsonObject series =
        history("chat", "latency", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", null);
    assertEquals("hour", series.get("resolution").getAsString(), "auto picks hours for a day");
    JsonArray points = series.getAsJsonArray("points");
    assertEquals(24, points.size());
    assertEquals(60, points.get(0).getAsJsonObject().get("samples").getAsLong());
    assertEquals(60, points.get(1).getAsJsonObject().get("samples").getAsLong());
    assertEquals(
        20,
        points.get(2).getAsJsonObject().get("samples").getAsLong(),
        "02:00 and 02:10 from minutes");
    assertEquals(0, points.get(3).getAsJsonObject().get("samples").getAsLong());
    assertEquals(
        100,
        points.get(0).getAsJsonObject().get("p50").getAsDouble(),
        100 * LogHistogram.MAX_RELATIVE_ERROR);
    assertEquals(
        200,
        points.get(1).getAsJsonObject().get("p50").getAsDouble(),
        200 * LogHistogram.MAX_RELATIVE_ERROR);
    assertEquals(200, points.get(1).getAsJsonObject().get("mean").getAsDouble(), 1e-9);
  }

  @Test
  void failureRateSeriesReportsErrorsOverSamples() throws Exception {
    sendLatency(bed, new TrackWalletTransaction(bed.platform, monitoring(bed)), 99, 50, true);
    sendLatency(bed, new TrackWalletTransaction(bed.platform, monitoring(bed)), 1, 50, false);
    JsonObject series =
        history("wallet", "failureRate", "2026-03-02T00:00:00Z", "2026-03-02T00:01:00Z", "minute");
    JsonObject p = series.getAsJsonArray("points").get(0).getAsJsonObject();
    assertEquals(0.01, p.get("value").getAsDouble(), 1e-12);
    assertEquals("ratio", series.get("unit").getAsString());
    assertEquals("ms", series.get("measureUnit").getAsString());
  }

  @Test
  void badRangesAndNamesAreRefusedNamingTheField() throws Exception {
    Map<String, String> cases =
        Map.of(
            "{\"service\": \"email\", \"metric\": \"latency\", \"from\": \"2026-03-02T00:00:00Z\","
                + " \"to\": \"2026-03-02T01:00:00Z\"}",
            "service",
            "{\"service\": \"chat\", \"metric\": \"packetLoss\", \"from\":"
                + " \"2026-03-02T00:00:00Z\", \"to\": \"2026-03-02T01:00:00Z\"}",
            "metric",
            "{\"service\": \"chat\", \"metric\": \"latency\", \"from\": \"2026-03-02T01:00:00Z\","
                + " \"to\": \"2026-03-02T00:00:00Z\"}",
            "to",
            "{\"service\": \"chat\", \"metric\": \"latency\", \"from\": \"2026-02-27T00:00:00Z\","
                + " \"to\": \"2026-03-02T00:00:00Z\", \"resolution\": \"minute\"}",
            "to",
            "{\"service\": \"chat\", \"metric\": \"latency\", \"from\": \"2026-01-20T00:00:00Z\","
                + " \"to\": \"2026-01-20T01:00:00Z\", \"resolution\": \"minute\"}",
            "from",
            "{\"service\": \"chat\", \"metric\": \"latency\", \"from\": \"2025-01-01T00:00:00Z\","
                + " \"to\": \"2026-03-02T00:00:00Z\", \"resolution\": \"hour\"}",
            "to",
            "{\"service\": \"chat\", \"metric\": \"latency\", \"from\": \"2026-03-02T00:00:00Z\","
                + " \"to\": \"2026-03-02T01:00:00Z\", \"resolution\": \"second\"}",
            "resolution");
    long before = Emulators.firestoreWriteCount();
    for (var c : cases.entrySet()) {
      FakeExchange.Response r =
          bed.callAsAdmin(new GetMetricsHistory(bed.platform, monitoring(bed)), c.getKey());
      assertEquals(400, r.status(), c.getKey() + " → " + r.body());
      assertTrue(
          r.errorMessage().startsWith(c.getValue()),
          c.getKey() + " should name " + c.getValue() + ": " + r.errorMessage());
    }
    assertEquals(before, Emulators.firestoreWriteCount());
  }

  private JsonObject history(
      String service, String metric, String from, String to, String resolution) throws Exception {
    String data =
        format(
            """
            {"service": "%s", "metric": "%s", "from": "%s", "to": "%s"%s}\
            """,
            service,
            metric,
            from,
            to,
            resolution == null ? "" : ", \"resolution\": \"" + resolution + "\"");
    return bed.callAsAdminOk(new GetMetricsHistory(bed.platform, monitoring(bed)), data)
        .getAsJsonObject();
  }

  private static JsonObject point(JsonArray points, String t) {
    for (var p : points) {
      if (p.getAsJsonObject().get("t").getAsString().equals(t)) {
        return p.getAsJsonObject();
      }
    }
    throw new AssertionError("no point at " + t);
  }
}

package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.latencyBatch;
import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrackSamplesTest {
  @RegisterExtension final TestBed bed = MonitoringFixtures.bed("2026-03-02T10:15:30Z").build();

  @Test
  void batchOfFiveHundredSamplesCostsOneWriteAndLandsInItsMinuteBucket() throws Exception {
    List<Double> latencies = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      latencies.add(50.0 + i);
    }
    long before = Emulators.firestoreWriteCount();
    JsonObject answer =
        bed.callPrivateOk(
            new TrackChatDelivery(bed.platform, monitoring(bed)), latencyBatch(latencies, true));
    long writes = Emulators.firestoreWriteCount() - before;

    assertEquals(500, answer.get("accepted").getAsInt());
    assertEquals(1, answer.get("buckets").getAsInt());
    assertEquals(1, writes, "one shard increment for the whole batch, not one document per sample");
    BucketStats minute = liveMinute(MonitoredService.CHAT, Instant.parse("2026-03-02T10:15:00Z"));
    assertEquals(500, minute.count());
    assertEquals(0, minute.errors());
    assertEquals(299.5, minute.mean(), 1e-9);
  }

  @Test
  void samplesSpreadOverShardsAndTotalsStayExact() throws Exception {
    for (int i = 0; i < 40; i++) {
      bed.callPrivateOk(
          new TrackWalletTransaction(bed.platform, monitoring(bed)),
          "{\"latencyMs\": 120, \"success\": " + (i % 10 != 0) + "}");
    }
    BucketKey key = new BucketKey(MonitoredService.WALLET, Instant.parse("2026-03-02T10:15:00Z"));
    int shardsUsed = 0;
    for (var ref : new MetricStore(bed.db, monitoring(bed).config()).shardRefs(key)) {
      DocumentSnapshot shard = ref.get().get();
      if (shard.exists()) {
        shardsUsed++;
        assertEquals("wallet", shard.getString("service"));
        assertEquals("latency", shard.getString("metric"));
        assertEquals(
            Instant.parse("2026-03-02T10:15:00Z").getEpochSecond(),
            shard.getTimestamp("minute").getSeconds());
        assertEquals(
            Instant.parse("2026-04-01T10:15:00Z").getEpochSecond(),
            shard.getTimestamp("expireAt").getSeconds(),
            "expireAt = minute + 30 days, for a Firestore TTL policy");
      }
    }
    assertTrue(shardsUsed > 1, "40 writes over 4 shards should not all hit one document");
    BucketStats minute = liveMinute(MonitoredService.WALLET, Instant.parse("2026-03-02T10:15:00Z"));
    assertEquals(40, minute.count());
    assertEquals(4, minute.errors());
  }

  @Test
  void batchSpanningMinutesIsSplitByEachSamplesTime() throws Exception {
    String body =
        """
        {"samples": [
          {"packetLossPct": 0.5, "at": "2026-03-02T10:13:10Z"},
          {"packetLossPct": 1.5, "at": "2026-03-02T10:13:50Z"},
          {"packetLossPct": 3, "success": false}
        ]}\
        """;
    JsonObject answer =
        bed.callPrivateOk(new TrackVideoCallQuality(bed.platform, monitoring(bed)), body);
    assertEquals(2, answer.get("buckets").getAsInt());
    BucketStats earlier = liveMinute(MonitoredService.VIDEO, Instant.parse("2026-03-02T10:13:00Z"));
    BucketStats now = liveMinute(MonitoredService.VIDEO, Instant.parse("2026-03-02T10:15:00Z"));
    assertEquals(2, earlier.count());
    assertEquals(1.0, earlier.mean(), 1e-9);
    assertEquals(1, now.count());
    assertEquals(1, now.errors());
  }

  @Test
  void percentilesFromTheHistogramAreWithinTheDocumentedBoundOfExactOnes() throws Exception {
    Random random = new Random(20260302);
    double[] latencies = new double[3000];
    for (int i = 0; i < latencies.length; i++) {
      // Log-normal around 180 ms with a long tail, plus a few sub-millisecond cache hits.
      latencies[i] =
          i % 97 == 0
              ? random.nextDouble() * 0.9
              : Math.min(120_000, Math.exp(5.2 + 0.8 * random.nextGaussian()));
      latencies[i] = Math.round(latencies[i] * 1000) / 1000.0;
    }
    for (int from = 0; from < latencies.length; from += 500) {
      List<Double> batch = new ArrayList<>();
      for (int i = from; i < from + 500; i++) {
        batch.add(latencies[i]);
      }
      bed.callPrivateOk(
          new TrackAiResponse(bed.platform, monitoring(bed)), latencyBatch(batch, true));
    }

    JsonObject series =
        bed.callAsAdminOk(
                new GetMetricsHistory(bed.platform, monitoring(bed)),
                """
                {"service": "ai", "metric": "latency", "from": "2026-03-02T10:00:00Z", "to": "2026-03-02T10:16:00Z",
                 "resolution": "minute"}\
                """)
            .getAsJsonObject();
    JsonArray points = series.getAsJsonArray("points");
    assertEquals(16, points.size());
    JsonObject point = points.get(15).getAsJsonObject();
    assertEquals("2026-03-02T10:15:00Z", point.get("t").getAsString());
    assertEquals(3000, point.get("samples").getAsLong());

    double[] sorted = latencies.clone();
    Arrays.sort(sorted);
    for (var q : Map.of("p50", 0.50, "p95", 0.95, "p99", 0.99).entrySet()) {
      double exact = sorted[(int) LogHistogram.rank(q.getValue(), sorted.length) - 1];
      double estimate = point.get(q.getKey()).getAsDouble();
      double allowed =
          Math.max(exact * LogHistogram.MAX_RELATIVE_ERROR, Measure.LATENCY.resolution()) + 1e-6;
      assertTrue(
          Math.abs(estimate - exact) <= allowed,
          q.getKey()
              + ": estimate "
              + estimate
              + " vs exact "
              + exact
              + " (allowed ±"
              + allowed
              + ")");
    }
    double exactMean = Arrays.stream(latencies).average().orElseThrow();
    assertEquals(exactMean, point.get("mean").getAsDouble(), 0.001);
    assertEquals(
        point.get("p95").getAsDouble(),
        point.get("value").getAsDouble(),
        "value is the thresholded p95");
    assertTrue(
        points.get(0).getAsJsonObject().get("p95") == null
            || points.get(0).getAsJsonObject().get("p95").isJsonNull());
    assertEquals(0, points.get(0).getAsJsonObject().get("samples").getAsLong());
  }

  @Test
  void eventCheckoutSamplesAreAcceptedIntoTheirOwnService() throws Exception {
    JsonObject one =
        bed.callPrivateOk(
            new TrackEventCheckout(bed.platform, monitoring(bed)),
            """
            {"latencyMs": 340, "success": false}\
            """);
    assertEquals("event-checkout", one.get("service").getAsString());
    assertEquals(1, one.get("accepted").getAsInt());
    JsonObject batch =
        bed.callPrivateOk(
            new TrackEventCheckout(bed.platform, monitoring(bed)),
            """
            {"samples": [
              {"latencyMs": 100, "at": "2026-03-02T10:14:20Z"},
              {"latencyMs": 200, "success": true},
              {"latencyMs": 600}
            ]}\
            """);
    assertEquals(3, batch.get("accepted").getAsInt());
    assertEquals(2, batch.get("buckets").getAsInt());

    BucketStats earlier =
        liveMinute(MonitoredService.EVENT_CHECKOUT, Instant.parse("2026-03-02T10:14:00Z"));
    BucketStats now =
        liveMinute(MonitoredService.EVENT_CHECKOUT, Instant.parse("2026-03-02T10:15:00Z"));
    assertEquals(1, earlier.count());
    assertEquals(100.0, earlier.mean(), 1e-9);
    assertEquals(3, now.count());
    assertEquals(1, now.errors(), "success defaults to true; the one false is counted");
    assertEquals((340.0 + 200 + 600) / 3, now.mean(), 1e-9);
    assertTrue(
        liveMinute(MonitoredService.CHAT, Instant.parse("2026-03-02T10:15:00Z")).isEmpty(),
        "checkout samples land in event-checkout's buckets only");
  }

  @Test
  void badSamplesAreRefusedNamingTheFieldAndNothingIsWritten() throws Exception {
    List<Object[]> cases =
        List.of(
            new Object[] {
              new TrackChatDelivery(bed.platform, monitoring(bed)),
              "{\"latencyMs\": -5}",
              "latencyMs"
            },
            new Object[] {
              new TrackChatDelivery(bed.platform, monitoring(bed)),
              "{\"latencyMs\": \"fast\"}",
              "latencyMs"
            },
            new Object[] {
              new TrackChatDelivery(bed.platform, monitoring(bed)),
              "{\"latencyMs\": 500000}",
              "latencyMs"
            },
            new Object[] {
              new TrackChatDelivery(bed.platform, monitoring(bed)),
              """
              {"latencyMs": 5, "service": "chat"}\
              """,
              "service"
            },
            new Object[] {
              new TrackVideoCallQuality(bed.platform, monitoring(bed)),
              """
              {"samples": [{"packetLossPct": 1}, {"packetLossPct": 140}]}\
              """,
              "samples[1].packetLossPct"
            },
            new Object[] {
              new TrackWalletTransaction(bed.platform, monitoring(bed)),
              "{\"latencyMs\": 80}",
              "success"
            },
            new Object[] {
              new TrackPanicButton(bed.platform, monitoring(bed)),
              """
              {"samples": [{"latencyMs": 20, "at": "2026-03-02T09:00:00Z"}]}\
              """,
              "samples[0].at"
            },
            new Object[] {
              new TrackPanicButton(bed.platform, monitoring(bed)),
              """
              {"samples": [{"latencyMs": 20, "at": "2026-03-02T10:20:00Z"}]}\
              """,
              "samples[0].at"
            },
            new Object[] {
              new TrackEventCheckout(bed.platform, monitoring(bed)), "{\"samples\": []}", "samples"
            },
            new Object[] {
              new TrackEventCheckout(bed.platform, monitoring(bed)),
              "{\"samples\": [5]}",
              "samples[0]"
            },
            new Object[] {new TrackAiResponse(bed.platform, monitoring(bed)), "[1, 2]", "data"});
    long before = Emulators.firestoreWriteCount();
    for (Object[] c : cases) {
      FakeExchange.Response r = bed.callPrivate((ApiFunction) c[0], (String) c[1]);
      assertEquals(400, r.status(), c[1] + " → " + r.body());
      assertEquals("INVALID_ARGUMENT", r.errorStatus());
      assertTrue(
          r.errorMessage().startsWith((String) c[2]),
          c[1] + " should name " + c[2] + ": " + r.errorMessage());
    }
    assertEquals(before, Emulators.firestoreWriteCount(), "refused samples write nothing");
  }

  @Test
  void tenThousandSampleBatchIsRefusedWithoutWriting() throws Exception {
    long before = Emulators.firestoreWriteCount();
    FakeExchange.Response r =
        bed.callPrivate(
            new TrackChatDelivery(bed.platform, monitoring(bed)),
            latencyBatch(Collections.nCopies(10_000, 42.0), true));
    assertEquals(400, r.status(), r.body());
    assertEquals("INVALID_ARGUMENT", r.errorStatus());
    assertTrue(
        r.errorMessage().contains("samples") && r.errorMessage().contains("500"), r.errorMessage());
    assertEquals(before, Emulators.firestoreWriteCount());
  }

  @Test
  void oneBadSampleInABatchRefusesTheWholeBatch() throws Exception {
    bed.callPrivate(
        new TrackChatDelivery(bed.platform, monitoring(bed)),
        """
        {"samples": [{"latencyMs": 10}, {"latencyMs": -1}]}\
        """);
    assertTrue(liveMinute(MonitoredService.CHAT, Instant.parse("2026-03-02T10:15:00Z")).isEmpty());
  }

  private BucketStats liveMinute(MonitoredService service, Instant minute) {
    BucketKey key = new BucketKey(service, minute);
    return new MetricStore(bed.db, monitoring(bed).config())
        .readLive(List.of(key))
        .getOrDefault(key, BucketStats.EMPTY);
  }
}

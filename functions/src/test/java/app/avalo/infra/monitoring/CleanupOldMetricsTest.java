package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CleanupOldMetricsTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:30Z");
  @RegisterExtension final TestBed bed = MonitoringFixtures.bed(START.toString()).build();

  @Test
  void deletesMinuteBucketsAndShardsPastRetentionKeepsRollupsAndIsSafeToRerun() throws Exception {
    // 100 minutes with samples (2 pages of 90 sealed minutes each at 4 shards), sealed and rolled
    // up.
    monitoring(bed).compactor().run();
    for (int minute = 0; minute < 100; minute++) {
      bed.clock.set(START.plus(Duration.ofMinutes(minute)));
      bed.callPrivateOk(
          new TrackChatDelivery(bed.platform, monitoring(bed)), "{\"latencyMs\": 42}");
      if (minute % 30 == 0) {
        monitoring(bed).compactor().run();
      }
    }
    bed.clock.set(START.plus(Duration.ofHours(3)));
    monitoring(bed).compactor().run();
    monitoring(bed).compactor().run();
    MetricStore store = new MetricStore(bed.db, monitoring(bed).config());
    List<BucketKey> minutes = new ArrayList<>();
    for (int minute = 0; minute < 100; minute++) {
      minutes.add(
          new BucketKey(
              MonitoredService.CHAT,
              Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofMinutes(minute))));
    }
    assertEquals(100, store.readMinutes(minutes).size());
    assertEquals(100, store.readLive(minutes).size());

    // 30 days after 01:35 the first 95 minutes are past retention: two bounded batches (90 minutes
    // × (1 sealed + 4 shard documents) fit one batch of at most 450 deletes).
    bed.clock.set(Instant.parse("2026-01-31T01:35:00Z"));
    JsonObject first = cleanup().getAsJsonObject("summary");
    assertEquals(95, first.get("minuteBucketsDeleted").getAsLong());
    assertEquals(95 * 4, first.get("shardDocumentsDeleted").getAsLong());
    assertEquals(2, first.get("batches").getAsLong());
    assertEquals(0, first.get("rollupsDeleted").getAsLong());
    assertTrue(first.get("complete").getAsBoolean());
    assertEquals(5, store.readMinutes(minutes).size());
    assertEquals(
        5, store.readLive(minutes).size(), "shard documents of deleted minutes are gone too");

    bed.clock.set(Instant.parse("2026-02-02T03:30:00Z"));
    JsonObject second = cleanup().getAsJsonObject("summary");
    assertEquals(5, second.get("minuteBucketsDeleted").getAsLong());
    assertTrue(store.readMinutes(minutes).isEmpty());
    assertTrue(store.readLive(minutes).isEmpty());

    // Hourly data survives the minute retention.
    JsonObject series =
        bed.callAsAdminOk(
                new GetMetricsHistory(bed.platform, monitoring(bed)),
                """
                {"service": "chat", "metric": "latency", "from": "2026-01-01T00:00:00Z", "to": "2026-01-01T02:00:00Z",
                 "resolution": "hour"}\
                """)
            .getAsJsonObject();
    assertEquals(
        60, series.getAsJsonArray("points").get(0).getAsJsonObject().get("samples").getAsLong());
    assertEquals(
        40, series.getAsJsonArray("points").get(1).getAsJsonObject().get("samples").getAsLong());

    bed.clock.set(Instant.parse("2026-02-03T03:30:00Z"));
    JsonObject rerun = cleanup().getAsJsonObject("summary");
    assertEquals(0, rerun.get("minuteBucketsDeleted").getAsLong());
    assertTrue(rerun.get("complete").getAsBoolean());

    bed.clock.set(Instant.parse("2027-02-06T03:30:00Z"));
    JsonObject late = cleanup().getAsJsonObject("summary");
    assertEquals(2, late.get("rollupsDeleted").getAsLong(), "rollups go after 400 days");
    assertTrue(
        store
            .readRollups(
                List.of(
                    new BucketKey(MonitoredService.CHAT, Instant.parse("2026-01-01T00:00:00Z")),
                    new BucketKey(MonitoredService.CHAT, Instant.parse("2026-01-01T01:00:00Z"))))
            .isEmpty());
  }

  private JsonObject cleanup() throws Exception {
    FakeExchange.Response r =
        FakeExchange.post()
            .header("X-CloudScheduler-ScheduleTime", bed.clock.instant().toString())
            .send(new CleanupOldMetrics(bed.platform, monitoring(bed)));
    assertEquals(200, r.status(), r.body());
    JsonObject json = r.json();
    assertEquals("succeeded", json.get("outcome").getAsString(), json.toString());
    return json;
  }
}

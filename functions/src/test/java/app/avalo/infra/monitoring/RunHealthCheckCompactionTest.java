package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static app.avalo.infra.monitoring.MonitoringFixtures.runHealthCheck;
import static app.avalo.infra.monitoring.MonitoringFixtures.sendLatency;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The compaction step of {@code runHealthCheck}: each scheduled run, after the health check, seals
 * the minutes that became final and rolls completed hours up, and reports what it did in the run
 * summary; a re-delivered minute compacts nothing again.
 */
class RunHealthCheckCompactionTest {
  private static final Instant START = Instant.parse("2026-03-02T10:00:30Z");
  @RegisterExtension final TestBed bed = MonitoringFixtures.bed(START.toString()).build();
  private final MetricStore store = new MetricStore(bed.db, monitoring(bed).config());

  private static JsonObject compaction(JsonObject run) {
    return run.getAsJsonObject("summary").getAsJsonObject("compaction");
  }

  @Test
  void eachRunSealsFinalMinutesAndRollsUpCompletedHours() throws Exception {
    sendLatency(bed, new TrackChatDelivery(bed.platform, monitoring(bed)), 10, 100, true);
    bed.callPrivateOk(
        new TrackWalletTransaction(bed.platform, monitoring(bed)),
        """
        {"samples": [{"latencyMs": 50, "success": true}, {"latencyMs": 70, "success": false}]}\
        """);
    BucketKey chat1000 =
        new BucketKey(MonitoredService.CHAT, Instant.parse("2026-03-02T10:00:00Z"));
    BucketKey wallet1000 =
        new BucketKey(MonitoredService.WALLET, Instant.parse("2026-03-02T10:00:00Z"));

    // 10:00 — the first run starts an hour before the horizon (now − 5 min sample age − 2 min
    // grace).
    JsonObject first = compaction(runHealthCheck(bed));
    assertEquals(60, first.get("minutesSealed").getAsInt(), first.toString());
    assertEquals(0, first.get("minuteDocuments").getAsInt(), "no samples before 09:53");
    assertEquals("2026-03-02T09:53:00Z", first.get("sealedThrough").getAsString());
    assertEquals(1, first.get("hoursRolledUp").getAsInt());
    assertEquals("2026-03-02T09:00:00Z", first.get("rolledThrough").getAsString());
    assertTrue(
        store.readMinutes(List.of(chat1000)).isEmpty(),
        "10:00 is not final yet, so it is not sealed");

    // 10:08 — 10:00 is final now: its live buckets become one sealed minute per service.
    bed.clock.set(START.plus(Duration.ofMinutes(8)));
    JsonObject second = compaction(runHealthCheck(bed));
    assertEquals(8, second.get("minutesSealed").getAsInt(), second.toString());
    assertEquals(
        2, second.get("minuteDocuments").getAsInt(), "chat and wallet had samples at 10:00");
    assertEquals("2026-03-02T10:01:00Z", second.get("sealedThrough").getAsString());
    assertEquals("2026-03-02T10:00:00Z", second.get("rolledThrough").getAsString());
    BucketStats chat = store.readMinutes(List.of(chat1000)).get(chat1000);
    assertEquals(10, chat.count());
    assertEquals(100.0, chat.mean(), 1e-9);
    BucketStats wallet = store.readMinutes(List.of(wallet1000)).get(wallet1000);
    assertEquals(2, wallet.count());
    assertEquals(1, wallet.errors());
    assertEquals(
        Instant.parse("2026-03-02T10:01:00Z"), store.pipeline().orElseThrow().sealedThrough());

    // The same minute delivered again does nothing, compaction included.
    FakeExchange.Response again =
        FakeExchange.post()
            .header("X-CloudScheduler-ScheduleTime", "2026-03-02T10:08:00Z")
            .send(new RunHealthCheck(bed.platform, monitoring(bed)));
    assertEquals(200, again.status(), again.body());
    assertEquals("duplicate", again.json().get("outcome").getAsString());
    assertEquals(
        Instant.parse("2026-03-02T10:01:00Z"), store.pipeline().orElseThrow().sealedThrough());

    // 11:07 — the 10:00 hour is complete and sealed: it is rolled up into one document per service.
    bed.clock.set(START.plus(Duration.ofMinutes(67)));
    JsonObject third = compaction(runHealthCheck(bed));
    assertEquals(59, third.get("minutesSealed").getAsInt(), third.toString());
    assertEquals(0, third.get("minuteDocuments").getAsInt());
    assertEquals("2026-03-02T11:00:00Z", third.get("sealedThrough").getAsString());
    assertEquals(1, third.get("hoursRolledUp").getAsInt());
    assertEquals("2026-03-02T11:00:00Z", third.get("rolledThrough").getAsString());
    BucketKey chatHour =
        new BucketKey(MonitoredService.CHAT, Instant.parse("2026-03-02T10:00:00Z"));
    var rollups = store.readRollups(List.of(chatHour));
    assertEquals(10, rollups.get(chatHour).count());
    assertEquals(100.0, rollups.get(chatHour).mean(), 1e-9);
  }
}

package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.scaling.ViralTrafficDetector.Assessment;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Viral detection against synthetic traffic curves. */
class ViralTrafficTest {
  @RegisterExtension final TestBed bed = TestBed.create();

  static final ScalingConfig.Viral CONFIG =
      new ScalingConfig.Viral(5, 2, 3, Duration.ofMinutes(30), Duration.ofHours(2), 20, 4);

  /**
   * A weekly curve with a strong daily cycle: 20 req/s at 04:00, 160 req/s at 16:00 (8×), weekends
   * 40 % busier. Evening traffic is more than 5× the night: a baseline that ignores the cycle would
   * call every afternoon viral.
   */
  static double normalTraffic(Instant t) {
    double hour = t.atZone(ZoneOffset.UTC).getHour() + t.atZone(ZoneOffset.UTC).getMinute() / 60.0;
    double daily = 20 + 140 * (1 - Math.cos(2 * Math.PI * (hour - 4) / 24)) / 2;
    int dow = t.atZone(ZoneOffset.UTC).getDayOfWeek().getValue();
    return daily * (dow >= 6 ? 1.4 : 1.0);
  }

  /** What the detector would read at {@code now} if traffic followed {@code curve} (± noise). */
  static Assessment assessAt(
      Instant now,
      Function<Instant, Double> history,
      Function<Instant, Double> current,
      Random noise) {
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    List<HourBucket> weeks = new ArrayList<>();
    for (int k = 1; k <= CONFIG.baselineWeeks(); k++) {
      Instant h = hour.minus(Duration.ofDays(7L * k));
      // the hour's mean: sample the curve across the hour
      double sum = 0;
      for (int m = 0; m < 60; m += 5) {
        sum += history.apply(h.plusSeconds(60L * m)) * (0.9 + 0.2 * noise.nextDouble());
      }
      weeks.add(new HourBucket(h, 12, sum / 12));
    }
    List<MinuteBucket> minutes = new ArrayList<>();
    Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
    for (int m = 63; m >= 1; m--) {
      Instant minute = thisMinute.minus(m, ChronoUnit.MINUTES);
      double rps = current.apply(minute) * (0.95 + 0.1 * noise.nextDouble());
      minutes.add(new MinuteBucket(minute, 6, 0.5, 0.5, rps, 4, minute.plusSeconds(50), 4));
    }
    return ViralTrafficDetector.assess(now, weeks, minutes, CONFIG);
  }

  @Test
  void aWholeWeekOfDailyCyclesIsNeverViral() {
    Random noise = new Random(7);
    Instant monday = Instant.parse("2026-03-02T00:00:00Z");
    for (int step = 0; step < 7 * 24 * 4; step++) { // every 15 minutes for a week
      Instant now = monday.plus(Duration.ofMinutes(15L * step));
      Assessment a =
          assessAt(now, ViralTrafficTest::normalTraffic, ViralTrafficTest::normalTraffic, noise);
      assertEquals("hour-of-week", a.baseline().source());
      assertFalse(a.viral(), "daily cycle flagged as viral at " + now + ": " + a.note());
    }
  }

  @Test
  void aSurgeOnTopOfTheCycleIsViralAtAnyTimeOfDay() {
    Random noise = new Random(11);
    Instant monday = Instant.parse("2026-03-02T00:00:00Z");
    for (int hour = 0; hour < 7 * 24; hour += 5) {
      Instant surgeStart = monday.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(20));
      Function<Instant, Double> surge = t -> normalTraffic(t) * (t.isBefore(surgeStart) ? 1 : 6);
      Assessment early =
          assessAt(
              surgeStart.plus(Duration.ofMinutes(2)),
              ViralTrafficTest::normalTraffic,
              surge,
              noise);
      assertFalse(early.viral(), "2 minutes of surge is not sustained yet at " + surgeStart);
      Assessment sustained =
          assessAt(
              surgeStart.plus(Duration.ofMinutes(3)),
              ViralTrafficTest::normalTraffic,
              surge,
              noise);
      assertTrue(sustained.viral(), "6× surge missed at " + surgeStart + ": " + sustained.note());
    }
  }

  @Test
  void aOneMinuteBlipIsNotSustained() {
    Instant now = Instant.parse("2026-03-02T20:06:10Z");
    Function<Instant, Double> blip =
        t -> t.equals(Instant.parse("2026-03-02T20:04:00Z")) ? 100.0 : 1000.0;
    Assessment a = assessAt(now, t -> 100.0, t -> blip.apply(t), new Random(1));
    assertFalse(a.viral(), a.note());
  }

  @Test
  void withoutWeeksOfHistoryTheTrailingHourIsTheBaseline() {
    Instant now = Instant.parse("2026-03-02T20:06:10Z");
    Instant surge = Instant.parse("2026-03-02T20:03:00Z");
    List<MinuteBucket> minutes = new ArrayList<>();
    for (int m = 63; m >= 1; m--) {
      Instant minute = now.truncatedTo(ChronoUnit.MINUTES).minus(m, ChronoUnit.MINUTES);
      double rps = minute.isBefore(surge) ? 50 : 300;
      minutes.add(new MinuteBucket(minute, 6, 0.5, 0.5, rps, 4, minute.plusSeconds(50), 4));
    }
    List<HourBucket> oneWeek =
        new ArrayList<>(Arrays.asList(new HourBucket(now, 10, 500), null, null, null));
    Assessment a = ViralTrafficDetector.assess(now, oneWeek, minutes, CONFIG);
    assertEquals("trailing-hour", a.baseline().source());
    assertEquals(50, a.baseline().rps(), 1e-9);
    assertTrue(a.viral(), a.note());

    Assessment none = ViralTrafficDetector.assess(now, List.of(), minutes.subList(40, 63), CONFIG);
    assertNull(none.baseline());
    assertFalse(none.viral());
  }

  @Test
  void aQuietServiceIsNotViralBelowTheMinimumRate() {
    Assessment a =
        assessAt(Instant.parse("2026-03-02T03:06:10Z"), t -> 1.0, t -> 8.0, new Random(3));
    assertEquals(1.0, a.baseline().rps(), 0.2);
    assertFalse(
        a.viral(),
        "8 req/s on a 1 req/s service is 8×, but below SCALING_VIRAL_MIN_RPS: " + a.note());
  }

  // ---- through the job, against Firestore ----

  @Test
  void sustainedSurgeTurnsBurstOnAndNormalTrafficTurnsItOffAfterTheConfiguredTime()
      throws Exception {
    Instant start = Instant.parse("2026-03-23T20:00:00Z");
    bed.clock.set(start);
    ServiceMetricsStore metrics = bed.root.scaling().metrics();
    for (int k = 1; k <= 3; k++) {
      metrics.record(
          new MetricSample(
              LogicalService.AI,
              0.5,
              0.5,
              100,
              4,
              start.minus(Duration.ofDays(7L * k)).plusSeconds(600)));
    }
    // 20:00-20:02 normal, 20:03-20:10 six times the baseline
    for (int m = 0; m <= 10; m++) {
      metrics.record(
          new MetricSample(
              LogicalService.AI,
              0.5,
              0.5,
              m < 3 ? 100 : 600,
              4,
              start.plus(Duration.ofMinutes(m)).plusSeconds(30)));
    }
    bed.clock.set(start.plus(Duration.ofMinutes(6)).plusSeconds(5));
    JsonObject run = bed.runJobOk(new DetectViralTraffic(bed.platform, bed.root.scaling()));
    assertEquals(1, run.getAsJsonObject("summary").get("burstsOn").getAsInt(), run.toString());
    Burst burst = bed.root.scaling().store().burst(LogicalService.AI);
    assertTrue(burst.liveAt(bed.clock.instant()));
    assertEquals("viral", burst.trigger());
    assertEquals(100, burst.baselineRps(), 1e-9);
    assertEquals(bed.clock.instant().plus(Duration.ofHours(2)), burst.expiresAt());
    ServiceState state = bed.root.scaling().store().state(LogicalService.AI);
    assertEquals(1000, state.targetMax(), "burst max not handed to the actuator at once");
    assertEquals("open", ScalingFixtures.alertStatus(bed, "viral:ai"));
    List<QueryDocumentSnapshot> events =
        Firestores.await(
                bed.db
                    .collection(ScalingStore.EVENTS)
                    .whereEqualTo("service", "ai")
                    .orderBy("at", Query.Direction.ASCENDING)
                    .get())
            .getDocuments();
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    "burst_on".equals(e.getString("action"))
                        && "viral".equals(e.getString("reason"))),
        "no burst_on event");
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    "viral".equals(e.getString("trigger"))
                        && "decision".equals(e.getString("kind"))),
        "no immediate evaluation after the burst");

    // still surging five minutes later: the expiry moves out
    bed.clock.set(start.plus(Duration.ofMinutes(11)).plusSeconds(5));
    run = bed.runJobOk(new DetectViralTraffic(bed.platform, bed.root.scaling()));
    assertEquals("extended", service(run, "ai").get("action").getAsString());
    assertEquals(
        bed.clock.instant().plus(Duration.ofHours(2)),
        bed.root.scaling().store().burst(LogicalService.AI).expiresAt());

    // back to 150 req/s (< 2× baseline) from 20:11: normal for 30 min turns the burst off
    for (int m = 11; m <= 47; m++) {
      metrics.record(
          new MetricSample(
              LogicalService.AI,
              0.5,
              0.5,
              150,
              4,
              start.plus(Duration.ofMinutes(m)).plusSeconds(30)));
    }
    String last = null;
    for (int m = 16; m <= 46; m += 5) {
      bed.clock.set(start.plus(Duration.ofMinutes(m)).plusSeconds(5));
      run = bed.runJobOk(new DetectViralTraffic(bed.platform, bed.root.scaling()));
      last = service(run, "ai").get("action").getAsString();
      if (m < 46) {
        assertEquals("normal_pending", last, "at 20:" + m + ": " + run);
      }
    }
    assertEquals("burst_off", last);
    Burst ended = bed.root.scaling().store().burst(LogicalService.AI);
    assertFalse(ended.liveAt(bed.clock.instant()));
    assertNotNull(ended.endedAt());
    assertEquals(
        30,
        bed.root.scaling().store().state(LogicalService.AI).targetMax(),
        "max not restored to the rule");
    assertEquals("resolved", ScalingFixtures.alertStatus(bed, "viral:ai"));
  }

  @Test
  void viralTrafficLeavesAManualBurstAlone() throws Exception {
    Instant start = Instant.parse("2026-03-23T20:00:00Z");
    bed.clock.set(start);
    var r =
        bed.callAsAdmin(
            new EnableBurstProtection(bed.platform, bed.root.scaling()),
            """
            {"service":"wallet","reason":"promotion","durationMinutes":180}\
            """);
    assertEquals(200, r.status(), r.body());
    ServiceMetricsStore metrics = bed.root.scaling().metrics();
    for (int m = 0; m < 64; m++) {
      metrics.record(
          new MetricSample(
              LogicalService.WALLET,
              0.5,
              0.5,
              m < 60 ? 30 : 400,
              4,
              start.plus(Duration.ofMinutes(m)).plusSeconds(20)));
    }
    bed.clock.set(start.plus(Duration.ofMinutes(64)).plusSeconds(5));
    JsonObject run = bed.runJobOk(new DetectViralTraffic(bed.platform, bed.root.scaling()));
    assertEquals("none", service(run, "wallet").get("action").getAsString(), run.toString());
    assertEquals("promotion", bed.root.scaling().store().burst(LogicalService.WALLET).reason());
  }

  private static JsonObject service(JsonObject run, String id) {
    for (var e : run.getAsJsonObject("summary").getAsJsonArray("services")) {
      if (e.getAsJsonObject().get("service").getAsString().equals(id)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError("no " + id + " in " + run);
  }
}

package app.avalo.infra.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decision of one window against one threshold, from counters built exactly as ingestion builds
 * them: the samples of the issue whose exact p95 sits in the histogram's ±4.88 % band, where the
 * midpoint estimate decides wrongly and the exact counts decide rightly.
 */
class ThresholdDecisionTest {
  private static final List<String> REGIONS = List.of("EU", "US", "ASIA");

  private static ThresholdRule rule(
      MonitoredService service, Metric metric, Statistic statistic, double threshold) {
    return new ThresholdRule(
        service, metric, statistic, threshold, Severity.CRITICAL, 20, 3, 1, 0, true);
  }

  private static ThresholdRule p95(MonitoredService service, double threshold) {
    return rule(service, Metric.LATENCY, Statistic.P95, threshold);
  }

  /** Samples counted against {@code thresholdsMilli} as SampleIngestor counts them. */
  private static BucketStats counted(List<Long> thresholdsMilli, double[] values) {
    BucketStats.Accumulator acc = new BucketStats.Accumulator(thresholdsMilli);
    for (double v : values) {
      acc.add(Measure.LATENCY, v, true);
    }
    return acc.build();
  }

  /** {@code n} copies of each value, in order. */
  private static double[] samples(Object... countsAndValues) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < countsAndValues.length; i += 2) {
      int n = (Integer) countsAndValues[i];
      double v = ((Number) countsAndValues[i + 1]).doubleValue();
      out.addAll(Collections.nCopies(n, v));
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The nearest-rank percentile of the raw samples. */
  private static double exactPercentile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) LogHistogram.rank(q, sorted.length) - 1];
  }

  @Test
  void panicButtonAtNinetySevenToHundredMillisecondsIsNotABreach() {
    // p95 is the 950th of 1000: one of the 97-100 ms samples. Their bucket [97.0, 106.7) reports
    // 101.7 ms, over the 100 ms line: the estimate alone would page someone.
    for (double[] values :
        List.of(
            samples(940, 50, 60, 97.5),
            samples(940, 50, 30, 98, 30, 100),
            samples(900, 20, 80, 99.9, 20, 130))) {
      double truth = exactPercentile(values, 0.95);
      assertTrue(truth >= 97 && truth <= 100, "true p95 " + truth);
      ThresholdRule rule = p95(MonitoredService.PANIC_BUTTON, 100);
      BucketStats window = counted(List.of(100_000L), values);
      assertTrue(window.quantile(0.95, Measure.LATENCY) > 100, "the estimate is over the line");

      ThresholdDecision exact = ThresholdDecision.of(rule, window, REGIONS);
      assertEquals(ThresholdDecision.OK, exact.outcome());
      assertTrue(exact.exact());
      assertEquals("exact", exact.method());

      ThresholdDecision estimate = ThresholdDecision.of(rule, counted(List.of(), values), REGIONS);
      assertEquals(ThresholdDecision.BREACH, estimate.outcome(), "uncounted: the false critical");
      assertEquals("estimate", estimate.method());
    }
  }

  @Test
  void chatAndWalletAtFourHundredToFourHundredFiveAreCaught() {
    // Bucket [369.6, 406.6) reports 387.7 ms, under 400: the estimate would miss these.
    for (MonitoredService service : List.of(MonitoredService.CHAT, MonitoredService.WALLET)) {
      for (double[] values :
          List.of(
              samples(940, 100, 60, 401),
              samples(940, 120, 20, 400.5, 40, 405),
              samples(949, 80, 51, 404.9))) {
        double truth = exactPercentile(values, 0.95);
        assertTrue(truth > 400 && truth <= 405, "true p95 " + truth);
        ThresholdRule rule = p95(service, 400);
        BucketStats window = counted(List.of(400_000L), values);
        assertTrue(window.quantile(0.95, Measure.LATENCY) < 400, "the estimate is under the line");

        ThresholdDecision d = ThresholdDecision.of(rule, window, REGIONS);
        assertEquals(ThresholdDecision.BREACH, d.outcome(), service + " " + truth);
        assertTrue(d.exact());
        assertEquals(
            (double) Arrays.stream(values).filter(v -> v > 400).count() / values.length,
            d.aboveShare(),
            1e-12);
        assertEquals(
            ThresholdDecision.OK,
            ThresholdDecision.of(rule, counted(List.of(), values), REGIONS).outcome(),
            "uncounted: the miss");
      }
    }
  }

  @Test
  void theLineItselfIsNotABreachAndExactlyFivePercentAboveIsNot() {
    ThresholdRule rule = p95(MonitoredService.CHAT, 400);
    // 50 of 1000 above: the 950th sample is 100 ms.
    assertEquals(
        ThresholdDecision.OK,
        ThresholdDecision.of(rule, counted(List.of(400_000L), samples(950, 100, 50, 405)), REGIONS)
            .outcome());
    // 51 above: the 950th is 405 ms.
    assertEquals(
        ThresholdDecision.BREACH,
        ThresholdDecision.of(rule, counted(List.of(400_000L), samples(949, 100, 51, 405)), REGIONS)
            .outcome());
    // A sample at exactly 400 ms is not above 400 ms.
    assertEquals(
        ThresholdDecision.OK,
        ThresholdDecision.of(rule, counted(List.of(400_000L), samples(100, 400)), REGIONS)
            .outcome());
  }

  @Test
  void exactDecisionAgreesWithTheRawSamplesForEveryPercentileAndDistribution() {
    Random random = new Random(16);
    List<Long> thresholds = List.of(97_000L, 100_000L, 250_500L, 400_000L, 1_000L);
    int checked = 0;
    for (int round = 0; round < 400; round++) {
      int n = 20 + random.nextInt(600);
      double[] values = new double[n];
      double centre = 50 + random.nextInt(500);
      for (int i = 0; i < n; i++) {
        values[i] = Math.max(0, centre * Math.exp(random.nextGaussian() * 0.4));
        if (random.nextInt(10) == 0) {
          values[i] = Math.round(values[i]); // ties on whole milliseconds, thresholds included
        }
      }
      BucketStats window = counted(thresholds, values);
      for (long milli : thresholds) {
        for (Statistic statistic : List.of(Statistic.P50, Statistic.P95, Statistic.P99)) {
          double q =
              switch (statistic) {
                case P50 -> 0.50;
                case P95 -> 0.95;
                default -> 0.99;
              };
          ThresholdRule rule = rule(MonitoredService.AI, Metric.LATENCY, statistic, milli / 1000.0);
          ThresholdDecision d = ThresholdDecision.of(rule, window, REGIONS);
          assertTrue(d.exact());
          assertEquals(
              exactPercentile(values, q) > milli / 1000.0,
              d.breach(),
              statistic + " vs " + milli / 1000.0 + " over " + n + " samples");
          checked++;
        }
      }
    }
    assertEquals(400 * 5 * 3, checked);
  }

  @Test
  void aWindowNotWhollyCountedAgainstTheThresholdFallsBackToTheEstimate() {
    // One minute counted against 400 ms, the next (after an edit) against 300 ms.
    BucketStats before = counted(List.of(400_000L), samples(100, 100));
    BucketStats after = counted(List.of(300_000L), samples(100, 500));
    BucketStats window = before.plus(after);
    ThresholdDecision d = ThresholdDecision.of(p95(MonitoredService.CHAT, 300), window, REGIONS);
    assertFalse(d.exact());
    assertEquals("estimate", d.method());
    assertEquals(ThresholdDecision.BREACH, d.outcome());
    assertNull(d.aboveShare());
    // Both minutes counted against 300: exact again.
    BucketStats both =
        counted(List.of(300_000L), samples(100, 100))
            .plus(counted(List.of(300_000L), samples(100, 500)));
    assertTrue(ThresholdDecision.of(p95(MonitoredService.CHAT, 300), both, REGIONS).exact());
  }

  @Test
  void thresholdsFinerThanThousandthsAreDecidedFromTheEstimate() {
    assertTrue(ThresholdCount.milli(400.0005).isEmpty());
    assertEquals(2_500L, ThresholdCount.milli(2.5).getAsLong());
    assertEquals("2p5", ThresholdCount.name(2_500));
    assertEquals("0p125", ThresholdCount.name(125));
    assertEquals("400", ThresholdCount.name(400_000));
    assertEquals(2_500L, ThresholdCount.parse("2p5").getAsLong());
    assertEquals(125L, ThresholdCount.parse("0p125").getAsLong());
    ThresholdDecision d =
        ThresholdDecision.of(
            p95(MonitoredService.CHAT, 400.0005),
            counted(List.of(400_000L), samples(100, 100)),
            REGIONS);
    assertFalse(d.exact());
  }

  @Test
  void aBreachNamesTheRegionAtLeastEightyPercentOfItsBadSamplesCameFrom() {
    ThresholdRule rule = p95(MonitoredService.CHAT, 400);
    BucketStats.Accumulator acc = new BucketStats.Accumulator(List.of(400_000L));
    for (int i = 0; i < 900; i++) {
      acc.add(Measure.LATENCY, 100, true, i % 2 == 0 ? "US" : null);
    }
    for (int i = 0; i < 100; i++) {
      acc.add(Measure.LATENCY, 700, true, i < 80 ? "EU" : "ASIA");
    }
    ThresholdDecision d = ThresholdDecision.of(rule, acc.build(), REGIONS);
    assertEquals(ThresholdDecision.BREACH, d.outcome());
    assertEquals("EU", d.region());
    assertEquals(0.8, d.regionShare(), 1e-12);

    BucketStats.Accumulator spread = new BucketStats.Accumulator(List.of(400_000L));
    for (int i = 0; i < 900; i++) {
      spread.add(Measure.LATENCY, 100, true, "EU");
    }
    for (int i = 0; i < 100; i++) {
      spread.add(Measure.LATENCY, 700, true, i < 79 ? "EU" : null);
    }
    ThresholdDecision mixed = ThresholdDecision.of(rule, spread.build(), REGIONS);
    assertEquals(ThresholdDecision.BREACH, mixed.outcome());
    assertNull(mixed.region(), "79 % is not enough (unattributed samples count against it)");
  }

  @Test
  void aFailureRateBreachIsAttributedByFailedSamples() {
    ThresholdRule rule =
        rule(MonitoredService.WALLET, Metric.FAILURE_RATE, Statistic.ERROR_RATE, 0.002);
    BucketStats.Accumulator acc = new BucketStats.Accumulator();
    for (int i = 0; i < 995; i++) {
      acc.add(Measure.LATENCY, 80, true, i % 3 == 0 ? "EU" : "US");
    }
    for (int i = 0; i < 5; i++) {
      acc.add(Measure.LATENCY, 80, false, "ASIA");
    }
    ThresholdDecision d = ThresholdDecision.of(rule, acc.build(), REGIONS);
    assertEquals(ThresholdDecision.BREACH, d.outcome());
    assertTrue(d.exact());
    assertEquals(5L, d.above());
    assertEquals("ASIA", d.region());
    assertEquals(1.0, d.regionShare(), 1e-12);
  }

  @Test
  void countersSurviveTheRoundTripThroughStoredFields() {
    BucketStats.Accumulator acc = new BucketStats.Accumulator(List.of(400_000L, 2_500L));
    acc.add(Measure.LATENCY, 500, false, "EU");
    acc.add(Measure.LATENCY, 100, true, null);
    BucketStats stats = acc.build();
    BucketStats back = BucketStats.fromFields(new HashMap<>(stats.fields()));
    assertEquals(2, back.checked(400_000L));
    assertEquals(1, back.above(400_000L));
    assertEquals(2, back.above(2_500L));
    assertEquals(1, back.regionCount("EU"));
    assertEquals(1, back.regionErrors("EU"));
    assertEquals(1, back.regionAbove("EU", 400_000L));
    assertTrue(back.counted(400_000L));
    assertFalse(back.counted(300_000L));
    assertEquals(1L, stats.fields().get("rEU_gt2p5"));
    // "Counted, none above" is stored as 0, unlike "not counted".
    BucketStats quiet = counted(List.of(400_000L), samples(3, 100));
    assertEquals(0L, quiet.fields().get("gt400"));
    assertEquals(3L, quiet.fields().get("ck400"));
  }
}

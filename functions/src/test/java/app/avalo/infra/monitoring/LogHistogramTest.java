package app.avalo.infra.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogHistogramTest {
  @Test
  void everyAcceptedValueHasABucketAndEdgesAreExact() {
    assertEquals(0, LogHistogram.bucketOf(0));
    assertEquals(0, LogHistogram.bucketOf(0.999));
    assertEquals(1, LogHistogram.bucketOf(1));
    assertEquals(2, LogHistogram.bucketOf(1.1));
    assertTrue(
        LogHistogram.bucketOf(Measure.LATENCY.toUnits(Measure.LATENCY.max()))
            < LogHistogram.LAST + 1);
    assertTrue(
        Math.pow(LogHistogram.GROWTH, LogHistogram.LAST)
            > Measure.LATENCY.toUnits(Measure.LATENCY.max()));
    assertTrue(
        Math.pow(LogHistogram.GROWTH, LogHistogram.LAST)
            > Measure.PACKET_LOSS.toUnits(Measure.PACKET_LOSS.max()));
    assertEquals("h000", LogHistogram.field(0));
    assertEquals("h123", LogHistogram.field(LogHistogram.LAST));
    for (int i = 1; i <= LogHistogram.LAST; i++) {
      assertEquals(
          i,
          LogHistogram.bucketOf(Math.pow(LogHistogram.GROWTH, i - 1) * (1 + 1e-12)),
          "lower edge of " + i);
    }
  }

  @Test
  void quantilesStayWithinTheBoundForManyDistributions() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(2000);
      double[] values = new double[n];
      double scale = Math.pow(10, random.nextInt(5));
      for (int i = 0; i < n; i++) {
        values[i] =
            switch (trial % 3) {
              case 0 -> random.nextDouble() * scale;
              case 1 -> Math.exp(random.nextGaussian() * 1.5) * scale / 10;
              default -> random.nextInt(4) * scale / 3;
            };
        values[i] = Math.min(values[i], Measure.LATENCY.max());
      }
      BucketStats.Accumulator acc = new BucketStats.Accumulator();
      for (double v : values) {
        acc.add(Measure.LATENCY, v, true);
      }
      BucketStats stats = acc.build();
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      for (double q : new double[] {0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
        double exact = sorted[(int) LogHistogram.rank(q, n) - 1];
        double estimate = stats.quantile(q, Measure.LATENCY);
        double allowed = Math.max(exact * LogHistogram.MAX_RELATIVE_ERROR, 1.0) + 1e-9;
        assertTrue(
            Math.abs(estimate - exact) <= allowed,
            "trial " + trial + " q=" + q + ": estimate " + estimate + " exact " + exact);
      }
    }
  }

  @Test
  void nearestRankIsRobustToFloatingPoint() {
    assertEquals(29, LogHistogram.rank(0.29, 100));
    assertEquals(95, LogHistogram.rank(0.95, 100));
    assertEquals(1, LogHistogram.rank(0.5, 1));
    assertEquals(100, LogHistogram.rank(1.0, 100));
  }
}

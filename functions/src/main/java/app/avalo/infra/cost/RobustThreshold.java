package app.avalo.infra.cost;

import java.util.Arrays;
import java.util.Collection;

/**
 * Who is anomalous in a population of per-user costs, robustly (Iglewicz & Hoaglin's modified
 * z-score): the centre is the median, the scale is 1.4826·MAD (median absolute deviation, which
 * matches the standard deviation for normal data), and a user is anomalous above {@code median +
 * k·scale}. The median and MAD ignore up to half the population being extreme, so one whale cannot
 * hide the others the way it would inflate a mean and standard deviation.
 *
 * <p>Guards: when more than half the users spend exactly the same (MAD = 0), the scale falls back
 * to 1.2533·mean absolute deviation from the median (the same authors' rule) instead of zero, so
 * ties do not flag everyone a grosz above them. Nobody at or below {@code floor} is flagged (a
 * quiet day with a small median must not make modest spend look anomalous). Anyone above {@code
 * ceiling} is flagged regardless (statistics say nothing about a population of one). Below {@code
 * minPopulation} users only the ceiling applies.
 */
record RobustThreshold(
    int population,
    long medianMicros,
    long madMicros,
    double scaleMicros,
    Long thresholdMicros,
    long floorMicros,
    long ceilingMicros) {

  static final double MAD_TO_SIGMA = 1.4826;
  static final double MEAN_AD_TO_SIGMA = 1.2533;

  static RobustThreshold of(
      Collection<Long> costsMicros,
      int k,
      long floorMicros,
      long ceilingMicros,
      int minPopulation) {
    long[] values = costsMicros.stream().mapToLong(Long::longValue).sorted().toArray();
    if (values.length == 0) {
      return new RobustThreshold(0, 0, 0, 0, null, floorMicros, ceilingMicros);
    }
    long median = median(values);
    long[] deviations = Arrays.stream(values).map(v -> Math.abs(v - median)).sorted().toArray();
    long mad = median(deviations);
    double scale;
    if (mad > 0) {
      scale = MAD_TO_SIGMA * mad;
    } else {
      double meanAd = Arrays.stream(deviations).mapToDouble(d -> d).average().orElse(0);
      scale = MEAN_AD_TO_SIGMA * meanAd;
    }
    Long threshold = values.length >= minPopulation ? median + (long) Math.ceil(k * scale) : null;
    return new RobustThreshold(
        values.length, median, mad, scale, threshold, floorMicros, ceilingMicros);
  }

  /** Why a user with this cost is anomalous ({@code ceiling} or {@code statistical}), or null. */
  String rule(long costMicros) {
    if (costMicros <= floorMicros) {
      return null;
    }
    if (costMicros > ceilingMicros) {
      return "ceiling";
    }
    if (thresholdMicros != null && costMicros > thresholdMicros) {
      return "statistical";
    }
    return null;
  }

  /** The cost above which a user is flagged, taking the floor and ceiling into account. */
  long effectiveThresholdMicros() {
    long statistical =
        thresholdMicros == null ? ceilingMicros : Math.min(thresholdMicros, ceilingMicros);
    return Math.max(statistical, floorMicros);
  }

  private static long median(long[] sorted) {
    int n = sorted.length;
    if (n % 2 == 1) {
      return sorted[n / 2];
    }
    long a = sorted[n / 2 - 1];
    long b = sorted[n / 2];
    return a + (b - a) / 2;
  }
}

package app.avalo.infra.monitoring;

import java.util.List;
import java.util.OptionalLong;

/**
 * What one window says about one threshold, before any alerting state: pure, state in, state out.
 *
 * <ul>
 *   <li>{@code outcome}: {@code breach}, {@code ok}, {@code insufficient-data} or {@code disabled};
 *   <li>{@code value}: the statistic as shown (a percentile is the histogram's estimate, within
 *       4.88 %);
 *   <li>{@code exact}: whether the outcome is exact. A percentile decision is exact when every
 *       sample of the window was counted against this threshold when recorded ({@link
 *       ThresholdCount}): then "p95 > T" is "fewer than rank(0.95, n) samples are ≤ T", i.e. more
 *       than 5 % above T, with no histogram involved. Otherwise (the threshold changed within the
 *       window, or has more decimals than thousandths) it falls back to comparing the estimate.
 *       Mean and error rate are always exact;
 *   <li>{@code above}: the samples above the threshold (failed samples for the error rate) when
 *       known exactly, else null;
 *   <li>{@code region}: on a breach, the region at least {@link #REGION_SHARE} of the bad samples
 *       came from (null when none, or when the counts are not exact), with its {@code regionShare}.
 * </ul>
 */
record ThresholdDecision(
    String outcome,
    double value,
    boolean exact,
    long samples,
    Long above,
    String region,
    Double regionShare) {
  static final String BREACH = "breach";
  static final String OK = "ok";
  static final String INSUFFICIENT = "insufficient-data";
  static final String DISABLED = "disabled";

  /** The share of a breach's bad samples one region must have for the alert to name it. */
  static final double REGION_SHARE = 0.8;

  boolean breach() {
    return outcome.equals(BREACH);
  }

  String method() {
    return exact ? "exact" : "estimate";
  }

  /** The share of the window's samples that were bad (above the threshold, or failed), if known. */
  Double aboveShare() {
    return above == null || samples == 0 ? null : (double) above / samples;
  }

  static ThresholdDecision of(ThresholdRule rule, BucketStats window, List<String> regions) {
    Measure measure = rule.service().measure();
    double value = rule.statistic().of(window, measure);
    if (!rule.enabled()) {
      return new ThresholdDecision(DISABLED, value, false, window.count(), null, null, null);
    }
    if (window.count() < rule.minSamples() || Double.isNaN(value)) {
      return new ThresholdDecision(INSUFFICIENT, value, false, window.count(), null, null, null);
    }
    OptionalLong milli = ThresholdCount.milli(rule.threshold());
    boolean counted = milli.isPresent() && window.counted(milli.getAsLong());
    Long above = counted ? window.above(milli.getAsLong()) : null;
    boolean breach;
    boolean exact;
    switch (rule.statistic()) {
      case ERROR_RATE -> {
        breach = value > rule.threshold();
        exact = true;
        above = window.errors();
      }
      case MEAN -> {
        breach = value > rule.threshold();
        exact = true;
      }
      default -> {
        exact = counted;
        breach =
            exact
                ? window.count() - above
                    < LogHistogram.rank(quantile(rule.statistic()), window.count())
                : value > rule.threshold();
      }
    }
    if (!breach) {
      return new ThresholdDecision(OK, value, exact, window.count(), above, null, null);
    }
    String region = null;
    Double share = null;
    if (above != null && above > 0) {
      for (String r : regions) {
        long bad =
            rule.statistic() == Statistic.ERROR_RATE
                ? window.regionErrors(r)
                : window.regionAbove(r, milli.getAsLong());
        double s = (double) bad / above;
        if (s >= REGION_SHARE) {
          region = r;
          share = s;
        }
      }
    }
    return new ThresholdDecision(BREACH, value, exact, window.count(), above, region, share);
  }

  private static double quantile(Statistic statistic) {
    return switch (statistic) {
      case P50 -> 0.50;
      case P95 -> 0.95;
      case P99 -> 0.99;
      default -> throw new IllegalArgumentException(statistic + " is not a percentile");
    };
  }
}

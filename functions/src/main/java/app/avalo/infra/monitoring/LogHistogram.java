package app.avalo.infra.monitoring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A fixed log-scale histogram layout. Bucket 0 holds values below one resolution unit; bucket
 * {@code i >= 1} holds {@code [GROWTH^(i-1), GROWTH^i)} units, up to bucket {@value #LAST} whose
 * upper edge (~123 400 units) is above every accepted value (120 000 ms, 100 % = 10 000 units).
 * Buckets are stored as flat counter fields {@code h000 … h123}, so they can be summed with
 * server-side increments across shards and minutes.
 *
 * <p>Error bound: a percentile is reported as its bucket's geometric midpoint {@code
 * GROWTH^(i-1/2)}, so for a true value {@code v >= 1} unit the estimate is within {@link
 * #MAX_RELATIVE_ERROR} ({@code sqrt(1.1) - 1 ≈ 4.88 %}) of {@code v}; below one unit the estimate
 * is 0 (absolute error under one unit: 1 ms, or 0.01 percentage points of packet loss). "True
 * value" is the nearest-rank percentile of the raw samples: the estimator picks the bucket holding
 * exactly that order statistic, so the bound holds for every distribution.
 */
public final class LogHistogram {
  public static final double GROWTH = 1.1;
  public static final int LAST = 123;
  public static final int BUCKETS = LAST + 1;
  public static final double MAX_RELATIVE_ERROR = Math.sqrt(GROWTH) - 1;

  /** {@code LOWER[i]} is bucket i's lower edge in units; bucket 0 starts at 0. */
  private static final double[] LOWER = new double[BUCKETS];

  private static final List<String> FIELDS;

  static {
    List<String> fields = new ArrayList<>(BUCKETS);
    for (int i = 0; i < BUCKETS; i++) {
      LOWER[i] = i == 0 ? 0 : Math.pow(GROWTH, i - 1);
      fields.add(String.format("h%03d", i));
    }
    FIELDS = Collections.unmodifiableList(fields);
  }

  private LogHistogram() {}

  /** The counter field of bucket {@code i}. */
  public static String field(int i) {
    return FIELDS.get(i);
  }

  public static List<String> fields() {
    return FIELDS;
  }

  /** The bucket of a non-negative value in units (values past the top land in the last bucket). */
  public static int bucketOf(double units) {
    if (units < 1) {
      return 0;
    }
    // The precomputed edges decide, so a value exactly on an edge never lands one bucket off.
    int lo = 1;
    int hi = LAST;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (LOWER[mid] <= units) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The value (in units) a percentile falling in bucket {@code i} is reported as. */
  public static double representative(int i) {
    return i == 0 ? 0 : Math.pow(GROWTH, i - 0.5);
  }

  /** The 1-based nearest rank {@code ceil(q * total)}, immune to {@code 0.29 * 100 = 28.999…}. */
  public static long rank(double q, long total) {
    return Math.max(1, Math.min(total, (long) Math.ceil(q * total - 1e-9)));
  }

  /**
   * The nearest-rank {@code q}-quantile (0 < q <= 1) of the counts, in units; NaN when empty. The
   * rank is {@code ceil(q * total)}, the definition the error bound is stated against.
   */
  public static double quantile(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = rank(q, total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return representative(i);
      }
    }
    return representative(LAST);
  }
}

package app.avalo.infra.monitoring;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aggregated samples of one service over some span (a minute, an hour, an evaluation window):
 * count, failed count, the sum of values and the {@link LogHistogram} counts. Every part is a whole
 * number, so aggregates add exactly across shards, minutes and hours. Immutable.
 */
public final class BucketStats {
  public static final String COUNT = "count";
  public static final String ERRORS = "errors";

  /** Sum of the values in thousandths of the measure's unit (µs for latency), kept integral. */
  public static final String SUM_MILLI = "sumMilli";

  public static final BucketStats EMPTY = new BucketStats(0, 0, 0, new long[LogHistogram.BUCKETS]);

  private final long count;
  private final long errors;
  private final long sumMilli;
  private final long[] histogram;

  private BucketStats(long count, long errors, long sumMilli, long[] histogram) {
    this.count = count;
    this.errors = errors;
    this.sumMilli = sumMilli;
    this.histogram = histogram;
  }

  /**
   * Reads the counter fields of a shard, sealed minute or rollup document (absent fields are 0).
   */
  public static BucketStats fromFields(Map<String, Object> fields) {
    if (fields == null) {
      return EMPTY;
    }
    long[] histogram = new long[LogHistogram.BUCKETS];
    for (int i = 0; i < LogHistogram.BUCKETS; i++) {
      histogram[i] = longField(fields, LogHistogram.field(i));
    }
    return new BucketStats(
        longField(fields, COUNT),
        longField(fields, ERRORS),
        longField(fields, SUM_MILLI),
        histogram);
  }

  private static long longField(Map<String, Object> fields, String name) {
    return fields.get(name) instanceof Number n ? n.longValue() : 0;
  }

  public BucketStats plus(BucketStats other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    long[] sum = histogram.clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += other.histogram[i];
    }
    return new BucketStats(
        count + other.count, errors + other.errors, sumMilli + other.sumMilli, sum);
  }

  /** The fields to store or increment: totals plus the non-empty histogram buckets. */
  public Map<String, Long> fields() {
    Map<String, Long> fields = new LinkedHashMap<>();
    fields.put(COUNT, count);
    fields.put(ERRORS, errors);
    fields.put(SUM_MILLI, sumMilli);
    for (int i = 0; i < histogram.length; i++) {
      if (histogram[i] != 0) {
        fields.put(LogHistogram.field(i), histogram[i]);
      }
    }
    return fields;
  }

  public long count() {
    return count;
  }

  public long errors() {
    return errors;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** Failed over all samples; NaN when empty. */
  public double errorRate() {
    return count == 0 ? Double.NaN : (double) errors / count;
  }

  /** Mean value in the measure's unit; NaN when empty. */
  public double mean() {
    return count == 0 ? Double.NaN : sumMilli / 1000.0 / count;
  }

  /**
   * The nearest-rank quantile in the measure's unit (see {@link LogHistogram} for the error bound).
   */
  public double quantile(double q, Measure measure) {
    return LogHistogram.quantile(histogram, q) * measure.resolution();
  }

  long[] histogram() {
    return histogram.clone();
  }

  /** Collects samples into a {@link BucketStats}; not thread-safe. */
  public static final class Accumulator {
    private long count;
    private long errors;
    private long sumMilli;
    private final long[] histogram = new long[LogHistogram.BUCKETS];

    public void add(Measure measure, double value, boolean success) {
      count++;
      if (!success) {
        errors++;
      }
      sumMilli += Math.round(value * 1000);
      histogram[LogHistogram.bucketOf(measure.toUnits(value))]++;
    }

    public BucketStats build() {
      return new BucketStats(count, errors, sumMilli, histogram.clone());
    }
  }

  @Override
  public String toString() {
    return "BucketStats{count="
        + count
        + ", errors="
        + errors
        + ", sumMilli="
        + sumMilli
        + ", histogram="
        + Arrays.toString(histogram)
        + "}";
  }
}

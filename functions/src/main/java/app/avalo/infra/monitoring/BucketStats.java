package app.avalo.infra.monitoring;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Aggregated samples of one service over some span (a minute, an hour, an evaluation window):
 * count, failed count, the sum of values, the {@link LogHistogram} counts, and the exact
 * per-threshold and per-region counters of {@link ThresholdCount}. Every part is a whole number, so
 * aggregates add exactly across shards, minutes and hours. Immutable.
 */
public final class BucketStats {
  public static final String COUNT = "count";
  public static final String ERRORS = "errors";

  /** Sum of the values in thousandths of the measure's unit (µs for latency), kept integral. */
  public static final String SUM_MILLI = "sumMilli";

  public static final BucketStats EMPTY =
      new BucketStats(0, 0, 0, new long[LogHistogram.BUCKETS], new TreeMap<>());

  private final long count;
  private final long errors;
  private final long sumMilli;
  private final long[] histogram;

  /** {@link ThresholdCount} fields by name; absent means 0. */
  private final SortedMap<String, Long> counters;

  private BucketStats(
      long count, long errors, long sumMilli, long[] histogram, SortedMap<String, Long> counters) {
    this.count = count;
    this.errors = errors;
    this.sumMilli = sumMilli;
    this.histogram = histogram;
    this.counters = counters;
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
    SortedMap<String, Long> counters = new TreeMap<>();
    fields.forEach(
        (name, value) -> {
          if (value instanceof Number n && ThresholdCount.isCounter(name)) {
            counters.put(name, n.longValue());
          }
        });
    return new BucketStats(
        longField(fields, COUNT),
        longField(fields, ERRORS),
        longField(fields, SUM_MILLI),
        histogram,
        counters);
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
    SortedMap<String, Long> counters = new TreeMap<>(this.counters);
    other.counters.forEach((name, n) -> counters.merge(name, n, Long::sum));
    return new BucketStats(
        count + other.count, errors + other.errors, sumMilli + other.sumMilli, sum, counters);
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
    // Zero counts too: "checked against T, none above" differs from "not checked".
    fields.putAll(counters);
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

  /** Samples compared with the threshold ({@code milli} thousandths of a unit) when recorded. */
  long checked(long milli) {
    return counters.getOrDefault(ThresholdCount.checked(milli), 0L);
  }

  /** Samples strictly above the threshold, of the {@link #checked} ones. */
  long above(long milli) {
    return counters.getOrDefault(ThresholdCount.above(milli), 0L);
  }

  /** Whether every sample was compared with the threshold, so {@link #above} is exact. */
  boolean counted(long milli) {
    return checked(milli) == count;
  }

  long regionCount(String region) {
    return counters.getOrDefault(ThresholdCount.regionCount(region), 0L);
  }

  long regionErrors(String region) {
    return counters.getOrDefault(ThresholdCount.regionErrors(region), 0L);
  }

  long regionAbove(String region, long milli) {
    return counters.getOrDefault(ThresholdCount.regionAbove(region, milli), 0L);
  }

  /**
   * Collects samples into a {@link BucketStats}, counting each against the given thresholds
   * (thousandths of a unit, see {@link ThresholdCount}); not thread-safe.
   */
  public static final class Accumulator {
    private long count;
    private long errors;
    private long sumMilli;
    private final long[] histogram = new long[LogHistogram.BUCKETS];
    private final long[] thresholds;
    private final SortedMap<String, Long> counters = new TreeMap<>();

    /** Counts no thresholds. */
    public Accumulator() {
      this(List.of());
    }

    public Accumulator(Collection<Long> thresholdsMilli) {
      this.thresholds = thresholdsMilli.stream().mapToLong(Long::longValue).distinct().toArray();
      for (long t : thresholds) {
        counters.put(ThresholdCount.checked(t), 0L);
        counters.put(ThresholdCount.above(t), 0L);
      }
    }

    public void add(Measure measure, double value, boolean success) {
      add(measure, value, success, null);
    }

    /** One sample; {@code region} (a known region id) or null. */
    public void add(Measure measure, double value, boolean success, String region) {
      count++;
      if (!success) {
        errors++;
      }
      sumMilli += Math.round(value * 1000);
      histogram[LogHistogram.bucketOf(measure.toUnits(value))]++;
      if (region != null) {
        counters.merge(ThresholdCount.regionCount(region), 1L, Long::sum);
        counters.merge(ThresholdCount.regionErrors(region), success ? 0L : 1L, Long::sum);
      }
      for (long t : thresholds) {
        counters.merge(ThresholdCount.checked(t), 1L, Long::sum);
        boolean above = value > t / 1000.0;
        if (above) {
          counters.merge(ThresholdCount.above(t), 1L, Long::sum);
        }
        if (region != null) {
          counters.merge(ThresholdCount.regionAbove(region, t), above ? 1L : 0L, Long::sum);
        }
      }
    }

    public BucketStats build() {
      return new BucketStats(count, errors, sumMilli, histogram.clone(), new TreeMap<>(counters));
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
        + ", counters="
        + counters
        + "}";
  }
}

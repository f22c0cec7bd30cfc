package app.avalo.infra.monitoring;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exact counters kept beside the histogram for each configured threshold {@code T} of a
 * service, so a decision "p95 > T" never rests on a bucket midpoint:
 *
 * <ul>
 *   <li>{@code ck<T>} — samples that were compared with {@code T} when they were recorded;
 *   <li>{@code gt<T>} — of those, the samples strictly above {@code T};
 *   <li>{@code r<REGION>_n}, {@code r<REGION>_e}, {@code r<REGION>_gt<T>} — the same counts (all
 *       samples, failed samples, samples above {@code T}) of the samples reporting that region.
 * </ul>
 *
 * {@code <T>} is the threshold in the measure's unit with {@code p} for the decimal point ({@code
 * gt400}, {@code gt2p5}); thresholds are kept to thousandths of a unit, the precision of {@link
 * BucketStats#SUM_MILLI}. A threshold with more decimals than that has no exact counters and is
 * decided from the histogram. Field names are flat (no dots), so they add across shards, minutes
 * and hours like every other counter.
 */
final class ThresholdCount {
  private static final Pattern THRESHOLD = Pattern.compile("(\\d+)(?:p(\\d{1,3}))?");
  private static final Pattern REGION_FIELD = Pattern.compile("r[A-Z][A-Z0-9]{0,15}_(n|e|gt.+)");

  private ThresholdCount() {}

  /** The threshold in thousandths of a unit, when it can be counted exactly. */
  static OptionalLong milli(double threshold) {
    double scaled = threshold * 1000;
    long rounded = Math.round(scaled);
    if (threshold < 0 || threshold > 1e9 || Math.abs(scaled - rounded) > 1e-6) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(rounded);
  }

  /** {@code 400000 → "400"}, {@code 2500 → "2p5"}. */
  static String name(long milli) {
    long whole = milli / 1000;
    long fraction = milli % 1000;
    if (fraction == 0) {
      return Long.toString(whole);
    }
    String digits = String.format(Locale.ROOT, "%03d", fraction).replaceAll("0+$", "");
    return whole + "p" + digits;
  }

  static OptionalLong parse(String name) {
    Matcher m = THRESHOLD.matcher(name);
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    String fraction = m.group(2) == null ? "" : m.group(2);
    String padded = (fraction + "000").substring(0, 3);
    return OptionalLong.of(Long.parseLong(m.group(1)) * 1000 + Long.parseLong(padded));
  }

  static String checked(long milli) {
    return "ck" + name(milli);
  }

  static String above(long milli) {
    return "gt" + name(milli);
  }

  static String regionCount(String region) {
    return "r" + region + "_n";
  }

  static String regionErrors(String region) {
    return "r" + region + "_e";
  }

  static String regionAbove(String region, long milli) {
    return "r" + region + "_" + above(milli);
  }

  /** Whether a stored field is one of these counters (and not a label or a histogram bucket). */
  static boolean isCounter(String field) {
    if (field.startsWith("ck") || field.startsWith("gt")) {
      return parse(field.substring(2)).isPresent();
    }
    return REGION_FIELD.matcher(field).matches();
  }
}

package app.avalo.infra.cost;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The month-end forecast of one service's spend, state in, state out.
 *
 * <ul>
 *   <li>Rate: spend over the trailing {@link #WINDOW} (from the hourly spend history), or over the
 *       month so far when it is younger than that or the history has no point old enough.
 *   <li>Forecast: spend so far + rate × time left. In the first {@link #WINDOW} of a month it is
 *       blended with the previous month (scaled to this month's length): weight elapsed / 7 days on
 *       the run rate, the rest on last month — a single expensive first hour no longer forecasts a
 *       month of such hours.
 *   <li>Under a day of data there is no run-rate forecast at all: the previous month stands in
 *       (confidence {@code low}), or there is none ({@code none}).
 *   <li>Confidence: {@code low} under 3 days, {@code medium} under 7, {@code high} after; a
 *       finished month forecasts what it spent ({@code actual}).
 * </ul>
 *
 * Never below what was already spent.
 */
record SpendForecast(Long forecastMicros, String confidence, String basis) {
  static final Duration WINDOW = Duration.ofDays(7);
  private static final Duration MIN_DATA = Duration.ofDays(1);

  static SpendForecast of(
      BillingPeriod period,
      Instant now,
      long spentMicros,
      NavigableMap<Instant, Long> history,
      Long previousMonthMicros) {
    if (!now.isBefore(period.end())) {
      return new SpendForecast(spentMicros, "high", "actual");
    }
    Duration elapsed = Duration.between(period.start(), now);
    Long previous =
        previousMonthMicros == null
            ? null
            : scale(
                previousMonthMicros,
                period.length().toSeconds(),
                period.previous().length().toSeconds());
    if (elapsed.compareTo(MIN_DATA) < 0) {
      return previous == null
          ? new SpendForecast(null, "none", "insufficient-data")
          : new SpendForecast(Math.max(previous, spentMicros), "low", "previous-month");
    }
    Instant from = now.minus(WINDOW);
    long baseMicros = 0;
    Instant base = period.start();
    String basis = "month-to-date";
    if (from.isAfter(period.start())) {
      Map.Entry<Instant, Long> point = history.floorEntry(from);
      if (point != null && !point.getKey().isBefore(period.start())) {
        base = point.getKey();
        baseMicros = point.getValue();
        basis = "trailing-7d";
      }
    }
    long window = Math.max(1, Duration.between(base, now).toSeconds());
    long left = Duration.between(now, period.end()).toSeconds();
    long recent = Math.max(0, spentMicros - baseMicros);
    long runRate = spentMicros + scale(recent, left, window);
    long forecast = runRate;
    if (elapsed.compareTo(WINDOW) < 0 && previous != null) {
      long e = elapsed.toSeconds();
      long w = WINDOW.toSeconds();
      forecast =
          Money.divideHalfUp(
                  BigInteger.valueOf(runRate)
                      .multiply(BigInteger.valueOf(e))
                      .add(BigInteger.valueOf(previous).multiply(BigInteger.valueOf(w - e))),
                  BigInteger.valueOf(w))
              .longValueExact();
      basis = "blended";
    }
    String confidence =
        elapsed.compareTo(Duration.ofDays(3)) < 0
            ? "low"
            : elapsed.compareTo(WINDOW) < 0 ? "medium" : "high";
    return new SpendForecast(Math.max(forecast, spentMicros), confidence, basis);
  }

  /** {@code micros × num / den}, half up. */
  private static long scale(long micros, long num, long den) {
    return Money.divideHalfUp(
            BigInteger.valueOf(micros).multiply(BigInteger.valueOf(num)), BigInteger.valueOf(den))
        .longValueExact();
  }
}

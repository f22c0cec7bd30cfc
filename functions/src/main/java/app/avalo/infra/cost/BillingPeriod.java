package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A calendar month in UTC, the unit budgets, counters and reports are kept in ({@code 2026-05}).
 * Budgets reset when the clock crosses into the next month; nothing else marks the boundary.
 */
public record BillingPeriod(YearMonth month) implements Comparable<BillingPeriod> {
  private static final Pattern FORMAT = Pattern.compile("\\d{4}-\\d{2}");
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

  public static BillingPeriod of(Instant instant) {
    return new BillingPeriod(YearMonth.from(instant.atOffset(ZoneOffset.UTC)));
  }

  /** Parses a request's {@code yyyy-MM}; INVALID_ARGUMENT naming {@code field} otherwise. */
  public static BillingPeriod parse(String field, String value) {
    if (!FORMAT.matcher(value).matches()) {
      throw ApiException.invalidArgument(field, "must be a month as yyyy-MM, e.g. 2026-05");
    }
    try {
      YearMonth month = YearMonth.parse(value);
      if (month.getYear() < 2000 || month.getYear() > 2100) {
        throw ApiException.invalidArgument(field, "must be a month between 2000-01 and 2100-12");
      }
      return new BillingPeriod(month);
    } catch (DateTimeParseException e) {
      throw ApiException.invalidArgument(field, "must be a month as yyyy-MM, e.g. 2026-05");
    }
  }

  public String id() {
    return month.toString();
  }

  public Instant start() {
    return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** The first instant of the next month (exclusive end). */
  public Instant end() {
    return month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  public Duration length() {
    return Duration.between(start(), end());
  }

  public BillingPeriod previous() {
    return new BillingPeriod(month.minusMonths(1));
  }

  public BillingPeriod next() {
    return new BillingPeriod(month.plusMonths(1));
  }

  /** The UTC day of an instant as {@code yyyy-MM-dd}, the key of per-user daily usage. */
  public static String dayId(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
  }

  /** The UTC hour of an instant as {@code yyyyMMddHH}, the key of a billing-export hour. */
  public static String hourId(Instant instant) {
    return HOUR.format(instant);
  }

  @Override
  public int compareTo(BillingPeriod other) {
    return month.compareTo(other.month);
  }

  @Override
  public String toString() {
    return id();
  }
}

package app.avalo.infra.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The month-end forecast: trailing-window rate, blended early in a month, with its confidence. */
class SpendForecastTest {
  private static final BillingPeriod NOVEMBER = BillingPeriod.parse("p", "2026-11"); // 30 days
  private static final long PLN = 100 * Money.MICROS_PER_MINOR;

  private static SpendForecast at(
      String now, long spentPln, NavigableMap<Instant, Long> history, Long previousPln) {
    return SpendForecast.of(
        NOVEMBER,
        Instant.parse(now),
        spentPln * PLN,
        history,
        previousPln == null ? null : previousPln * PLN);
  }

  private static NavigableMap<Instant, Long> history(Object... hourAndPln) {
    NavigableMap<Instant, Long> points = new TreeMap<>();
    for (int i = 0; i < hourAndPln.length; i += 2) {
      points.put(
          Instant.parse((String) hourAndPln[i]), ((Number) hourAndPln[i + 1]).longValue() * PLN);
    }
    return points;
  }

  @Test
  void theFirstHoursOfAMonthForecastNothingFromTheirOwnRate() {
    // The demo's day 1: a busy first hour used to extrapolate to 2,743 % of budget.
    assertEquals(
        new SpendForecast(null, "none", "insufficient-data"),
        at("2026-11-01T01:00:00Z", 900, new TreeMap<>(), null));
    assertEquals(
        new SpendForecast(12_000 * PLN, "low", "previous-month"),
        at("2026-11-01T01:00:00Z", 900, new TreeMap<>(), 12_400L),
        "October's 12 400 PLN over 31 days, scaled to November's 30");
  }

  @Test
  void earlyInAMonthTheRunRateIsBlendedWithTheLastMonth() {
    // Day 2 (1 day elapsed): 1/7 on the run rate (1 000 PLN/day → 30 000), 6/7 on last month.
    SpendForecast f = at("2026-11-02T00:00:00Z", 1_000, new TreeMap<>(), 12_400L);
    assertEquals("blended", f.basis());
    assertEquals("low", f.confidence());
    assertEquals(1_457_142_857_143L, f.forecastMicros(), "(30 000 + 6 × 12 000) / 7 PLN, half up");
    // Without a last month the run rate alone stands, still at low confidence.
    assertEquals(
        new SpendForecast(30_000 * PLN, "low", "month-to-date"),
        at("2026-11-02T00:00:00Z", 1_000, new TreeMap<>(), null));
    assertEquals(
        "medium", at("2026-11-05T00:00:00Z", 4_000, new TreeMap<>(), 12_400L).confidence());
  }

  @Test
  void laterTheTrailingSevenDaysSetTheRate() {
    // 15 Nov: 7 000 PLN spent, of which 7 × 200 in the last 7 days (a quieter second week).
    SpendForecast f =
        at(
            "2026-11-15T00:00:00Z",
            7_000,
            history("2026-11-01T00:00:00Z", 0, "2026-11-08T00:00:00Z", 5_600),
            null);
    assertEquals(new SpendForecast((7_000 + 16 * 200) * PLN, "high", "trailing-7d"), f);
    // No history point old enough: the month-to-date rate.
    assertEquals(
        new SpendForecast(15_000 * PLN, "high", "month-to-date"),
        at("2026-11-15T00:00:00Z", 7_000, new TreeMap<>(), null));
  }

  @Test
  void aFinishedMonthForecastsWhatItSpentAndNeverLess() {
    assertEquals(
        new SpendForecast(7_000 * PLN, "high", "actual"),
        at("2026-12-01T00:00:00Z", 7_000, new TreeMap<>(), null));
    // Spend that flattened: the forecast is not below what is already spent.
    assertEquals(
        7_000 * PLN,
        at("2026-11-20T00:00:00Z", 7_000, history("2026-11-13T00:00:00Z", 7_000), null)
            .forecastMicros());
  }
}

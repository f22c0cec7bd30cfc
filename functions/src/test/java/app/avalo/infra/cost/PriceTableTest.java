package app.avalo.infra.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Status;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {
  private final PriceTable prices =
      new PriceTable(
          Map.of(
              "m",
              new PriceTable.ModelPrice(1_000_000, 4_000_000),
              "tiny",
              new PriceTable.ModelPrice(1, 3)),
          Map.of(CostService.VIDEO, Map.of("*", 32_000_000L, "asia-southeast1", 36_000_000L)));

  @Test
  void aiCallIsPricedExactlyPerThousandTokens() {
    // 1500 in × 1 grosz/1k + 250 out × 4 grosze/1k = 1.5 + 1.0 = 2.5 grosze
    assertEquals(2_500_000, prices.aiCostMicros("m", 1500, 250));
    assertEquals(
        3, Money.toMinor(prices.aiCostMicros("m", 1500, 250)), "2.5 grosze round half up to 3");
  }

  @Test
  void subMicroRemaindersRoundHalfUpToTheMicro() {
    assertEquals(1, prices.aiCostMicros("tiny", 500, 0), "0.5 micro → 1");
    assertEquals(0, prices.aiCostMicros("tiny", 499, 0), "0.499 micro → 0");
    assertEquals(2, prices.aiCostMicros("tiny", 0, 500), "1.5 micros → 2");
  }

  @Test
  void unknownModelIsAnInvalidModelArgument() {
    ApiException e = assertThrows(ApiException.class, () -> prices.aiCostMicros("gpt-9", 10, 10));
    assertEquals(Status.INVALID_ARGUMENT, e.status());
    assertEquals(Map.of("field", "model"), e.details());
  }

  @Test
  void bandwidthIsPricedPerGibWithRegionFallback() {
    long gib = 1L << 30;
    assertEquals(
        32_000_000,
        prices.bandwidthCostMicros(CostService.VIDEO, "europe-west10", gib),
        "default price");
    assertEquals(
        36_000_000,
        prices.bandwidthCostMicros(CostService.VIDEO, "asia-southeast1", gib),
        "regional price");
    assertEquals(16_000_000, prices.bandwidthCostMicros(CostService.VIDEO, "x", gib / 2));
    ApiException e =
        assertThrows(ApiException.class, () -> prices.bandwidthCostMicros(CostService.CDN, "x", 1));
    assertEquals(Map.of("field", "region"), e.details());
  }

  @Test
  void costAbovePerEventLimitIsRefusedNamingTheField() {
    PriceTable absurd =
        new PriceTable(Map.of(), Map.of(CostService.CDN, Map.of("*", Long.MAX_VALUE)));
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> absurd.bandwidthCostMicros(CostService.CDN, "r", CostLedger.MAX_BYTES));
    assertEquals(Map.of("field", "bytes"), e.details());
  }

  @Test
  void storedTableRoundTripsAndDefaultsAreComplete() {
    PriceTable defaults = PriceTable.defaults();
    assertEquals(defaults, PricingCodec.fromPrices(PricingCodec.toPrices(defaults)));
    for (CostService service : CostService.BANDWIDTH) {
      assertEquals(
          true,
          defaults.bandwidth().get(service).containsKey(PriceTable.ANY_REGION),
          service.wire());
    }
  }

  @Test
  void moneyRoundsHalfUpAndPercentagesAreExact() {
    assertEquals(0, Money.toMinor(499_999));
    assertEquals(1, Money.toMinor(500_000));
    assertEquals("70.00", Money.percent(3_500_000, 5_000_000).toPlainString());
    assertEquals(2L, Money.perUnit(5, 3), "5/3 = 1.67 → 2");
    assertEquals(null, Money.perUnit(5, 0));
  }

  @Test
  void billingPeriodsAreUtcCalendarMonths() {
    BillingPeriod p = BillingPeriod.of(Instant.parse("2026-01-31T23:59:59.999Z"));
    assertEquals("2026-01", p.id());
    assertEquals(Instant.parse("2026-02-01T00:00:00Z"), p.end());
    assertEquals("2025-12", p.previous().id());
    assertEquals("2026-02", BillingPeriod.of(p.end()).id());
    ApiException e =
        assertThrows(ApiException.class, () -> BillingPeriod.parse("period", "2026-13"));
    assertEquals(Map.of("field", "period"), e.details());
  }
}

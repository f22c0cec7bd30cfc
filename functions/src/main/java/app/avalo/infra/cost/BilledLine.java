package app.avalo.infra.cost;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One (usage hour, service, SKU) of the billing export as booked in the ledger: the export's
 * amounts in their currency and what they came to in PLN micros (cost + credits). {@code id} is the
 * line's idempotency key: a re-import of the same hour and SKU replaces the booked amount.
 */
record BilledLine(
    String id,
    Instant hour,
    CostService service,
    String skuId,
    String sku,
    String currency,
    BigDecimal cost,
    BigDecimal credits,
    long costMicros) {

  static String id(Instant hour, CostService service, String skuId) {
    return BillingPeriod.hourId(hour)
        + "~"
        + service.wire()
        + "~"
        + skuId.replaceAll("[^A-Za-z0-9\\-]", "_");
  }

  BillingPeriod period() {
    return BillingPeriod.of(hour);
  }
}

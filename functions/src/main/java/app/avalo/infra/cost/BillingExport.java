package app.avalo.infra.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The Cloud Billing export as the import reads it: cost and credits per usage hour, billing service
 * and SKU ({@link BigQueryBillingExport} in production, the same class against a loopback fake of
 * the BigQuery REST API in tests).
 */
interface BillingExport {
  /**
   * One usage hour of one SKU: {@code cost} and {@code credits} (credits are negative) summed over
   * the export's rows, in the export's {@code currency}.
   */
  record Line(
      Instant hour,
      String service,
      String skuId,
      String sku,
      String currency,
      BigDecimal cost,
      BigDecimal credits) {}

  /**
   * The lines whose {@code usage_start_time} falls in {@code [from, to)} for the given {@code
   * service.description} values; gives up at {@code deadline}.
   */
  List<Line> read(Instant from, Instant to, Collection<String> services, Instant deadline);
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The billing documents: an imported export line ({@code costBillingLines/{yyyyMMddHH}~{service}~
 * {skuId}}) and the latest budget notification of a service and month ({@code
 * costBillingNotices/{yyyy-MM}~{service}}). Amounts from the export are kept as decimal strings,
 * exactly as BigQuery answered them.
 */
final class BillingCodec {
  static final String HOUR = "hour";
  static final String COST_MICROS = "costMicros";

  private BillingCodec() {}

  static Map<String, Object> line(BilledLine line, Instant importedAt, Instant expireAt) {
    return DocWriter.create()
        .field(HOUR, line.hour())
        .field("period", line.period().id())
        .field("service", line.service().wire())
        .field("skuId", line.skuId())
        .fieldOrNull("sku", line.sku())
        .field("currency", line.currency())
        .field("cost", line.cost().toPlainString())
        .field("credits", line.credits().toPlainString())
        .field(COST_MICROS, line.costMicros())
        .field("importedAt", importedAt)
        .field("expireAt", expireAt)
        .map();
  }

  static long lineMicros(DocumentSnapshot doc) {
    return DocReader.of(doc).longValue(COST_MICROS);
  }

  static Map<String, Object> notice(BudgetNotice notice) {
    return DocWriter.create()
        .field("service", notice.service().wire())
        .field("period", notice.period().id())
        .field("budgetId", notice.budgetId())
        .field(COST_MICROS, notice.costMicros())
        .field("budgetMinor", notice.budgetMinor())
        .field("currency", notice.currency())
        .field("publishedAt", notice.publishedAt())
        .field("receivedAt", notice.receivedAt())
        .map();
  }

  static Optional<BudgetNotice> notice(DocumentSnapshot doc) {
    if (!doc.exists()) {
      return Optional.empty();
    }
    DocReader d = DocReader.of(doc);
    return Optional.of(
        new BudgetNotice(
            d.enumValue("service", CostService.class),
            BillingPeriod.parse("period", d.string("period")),
            d.string("budgetId"),
            d.longValue(COST_MICROS),
            d.longValue("budgetMinor"),
            d.string("currency"),
            d.instant("publishedAt"),
            d.instant("receivedAt")));
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Log;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Imports infrastructure spend (Cloud Functions, Firestore, Storage — whatever {@code
 * COST_BILLING_SERVICES} maps) from the Cloud Billing export: every run re-reads the last {@code
 * COST_BILLING_LOOKBACK_HOURS} of usage hours, converts cost + credits to PLN micros per (usage
 * hour, service, SKU) and books each line's difference to what was booked for it before. So a
 * re-run adds nothing, and a restated hour (the export revises recent hours as late usage arrives)
 * replaces its amount rather than adding to it. Lines are booked in the month of their usage hour.
 * Then the budgets of the mapped services are observed on the current month's spend, and every
 * service's month-to-date spend is sampled for the forecast ({@link SpendForecast}) — this is the
 * domain's hourly job.
 */
final class BillingImporter {
  private static final BigDecimal MICROS_PER_PLN =
      BigDecimal.valueOf(100L * Money.MICROS_PER_MINOR);
  private static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);

  private final BillingConfig config;
  private final BillingStore store;
  private final BudgetMonitor budgets;
  private final BillingExport export;
  private final boolean onCloudFunctions;
  private final Clock clock;

  /**
   * @param export the export reader, null when {@code COST_BILLING_SOURCE=off}
   */
  BillingImporter(
      BillingConfig config,
      BillingStore store,
      BudgetMonitor budgets,
      BillingExport export,
      boolean onCloudFunctions,
      Clock clock) {
    this.config = config;
    this.store = store;
    this.budgets = budgets;
    this.export = export;
    this.onCloudFunctions = onCloudFunctions;
    this.clock = clock;
  }

  /** What a run did; amounts in grosze. */
  record Summary(
      String source,
      String from,
      String to,
      int rows,
      int lines,
      int added,
      int restated,
      Map<String, Long> changeMinorByService,
      Map<String, String> budgetStates,
      String skipped) {
    JobRunner.Result result() {
      return JobRunner.Result.of(this);
    }
  }

  Summary run(JobContext context) {
    try {
      return importExport(context);
    } finally {
      // The hourly sample of every service's spend for the forecast, whatever the import did.
      budgets.recordHistory(context.scheduledFor());
    }
  }

  private Summary importExport(JobContext context) {
    if (export == null) {
      if (onCloudFunctions) {
        throw ApiException.failedPrecondition(
            "COST_BILLING_SOURCE is off: the Cloud Functions, Firestore and Storage budgets get no"
                + " data. Set COST_BILLING_SOURCE=bigquery and COST_BILLING_EXPORT_TABLE");
      }
      return new Summary(
          "off", null, null, 0, 0, 0, 0, Map.of(), Map.of(), "COST_BILLING_SOURCE=off");
    }
    Instant to = context.scheduledFor().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    Instant from = to.minus(config.lookback());
    List<BillingExport.Line> rows =
        export.read(from, to, config.services().keySet(), context.deadline().minus(SAFETY_MARGIN));
    context.progress("rows", rows.size());
    Map<String, BilledLine> lines = new LinkedHashMap<>();
    for (BillingExport.Line row : rows) {
      CostService service = config.services().get(row.service());
      if (service == null) {
        continue; // the query asks for the mapped services only
      }
      BilledLine line = billed(row, service);
      lines.merge(line.id(), line, BillingImporter::sum);
    }
    Map<String, Long> booked = store.bookedBetween(from, to);
    List<BillingStore.Change> changes = new ArrayList<>();
    Map<String, Long> changeMicros = new TreeMap<>();
    int added = 0;
    for (BilledLine line : lines.values()) {
      Long before = booked.get(line.id());
      if (before != null ? before == line.costMicros() : line.costMicros() == 0) {
        continue;
      }
      changes.add(new BillingStore.Change(line, before));
      changeMicros.merge(
          line.service().wire(), line.costMicros() - (before == null ? 0 : before), Long::sum);
      added += before == null ? 1 : 0;
    }
    store.book(changes, clock.instant());
    BillingPeriod current = BillingPeriod.of(context.scheduledFor());
    Map<String, String> states = new TreeMap<>();
    for (CostService service : config.services().values()) {
      states.put(service.wire(), budgets.observeFresh(service, current).wire());
    }
    Map<String, Long> changeMinor = new TreeMap<>();
    changeMicros.forEach((service, micros) -> changeMinor.put(service, Money.toMinor(micros)));
    Log.info(
        "billing export imported",
        Map.of("rows", rows.size(), "lines", lines.size(), "changed", changes.size()));
    return new Summary(
        "bigquery",
        from.toString(),
        to.toString(),
        rows.size(),
        lines.size(),
        added,
        changes.size() - added,
        changeMinor,
        states,
        null);
  }

  private BilledLine billed(BillingExport.Line row, CostService service) {
    BigDecimal rate =
        config
            .plnPer(row.currency())
            .orElseThrow(
                () ->
                    ApiException.failedPrecondition(
                        "the billing export is in "
                            + row.currency()
                            + " and COST_BILLING_FX has no rate for it (e.g. COST_BILLING_FX="
                            + row.currency()
                            + "=4.00)"));
    long micros = toMicros(row.cost().add(row.credits()).multiply(rate));
    return new BilledLine(
        BilledLine.id(row.hour(), service, row.skuId()),
        row.hour(),
        service,
        row.skuId(),
        row.sku(),
        row.currency(),
        row.cost(),
        row.credits(),
        micros);
  }

  /** PLN to micros (half up); an amount beyond the ledger's per-event limit is refused. */
  static long toMicros(BigDecimal pln) {
    BigDecimal micros = pln.multiply(MICROS_PER_PLN).setScale(0, RoundingMode.HALF_UP);
    if (micros.abs().compareTo(BigDecimal.valueOf(Money.MAX_EVENT_MICROS)) > 0) {
      throw ApiException.failedPrecondition(
          "a billing amount of " + pln.toPlainString() + " PLN is beyond the ledger's limit");
    }
    return micros.longValueExact();
  }

  /** Two export rows of the same line (e.g. the same SKU under two mapped service names). */
  private static BilledLine sum(BilledLine a, BilledLine b) {
    return new BilledLine(
        a.id(),
        a.hour(),
        a.service(),
        a.skuId(),
        a.sku(),
        a.currency(),
        a.cost().add(b.cost()),
        a.credits().add(b.credits()),
        a.costMicros() + b.costMicros());
  }
}

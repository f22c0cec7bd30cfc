package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Json;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code generateMonthlyReport}: one month's spend per service against its budget, the change from
 * the month before, a forecast for the next month, and the most expensive users. Written three
 * ways: {@code costReports/{yyyy-MM}} in Firestore, and {@code cost-reports/{yyyy-MM}.json} and
 * {@code .csv} in the reports bucket.
 *
 * <p>Idempotent: the content depends only on the month's data and the budgets, never on when it
 * runs, and each write replaces the previous one — a re-run writes the same bytes.
 *
 * <p>Forecast for the next month: the least-squares line through the last three months' spend
 * (fewer when the service has less history), extended one month, never below zero.
 */
public final class MonthlyReporter {
  public static final String OBJECT_PREFIX = "cost-reports/";
  static final String[] CSV_HEADER = {
    "type",
    "id",
    "spentMinor",
    "budgetMinor",
    "budgetUsedPercent",
    "previousMonthMinor",
    "changePercent",
    "forecastNextMonthMinor",
    "events"
  };

  private final BudgetStore budgets;
  private final LedgerStore ledger;
  private final ReportStore store;
  private final CostMetrics metrics;
  private final Supplier<Storage> storage;
  private final String bucket;
  private final int topUsers;

  MonthlyReporter(
      BudgetStore budgets,
      LedgerStore ledger,
      ReportStore store,
      CostMetrics metrics,
      Supplier<Storage> storage,
      CostConfig config) {
    this.budgets = budgets;
    this.ledger = ledger;
    this.store = store;
    this.metrics = metrics;
    this.storage = storage;
    this.bucket = config.reportsBucket();
    this.topUsers = config.reportTopUsers();
  }

  public record ServiceLine(
      String service,
      long spentMinor,
      Long budgetMinor,
      BigDecimal budgetUsedPercent,
      long previousMonthMinor,
      BigDecimal changePercent,
      long forecastNextMonthMinor,
      long events) {}

  public record UserLine(int rank, String userId, long spentMinor, long events) {}

  public record Totals(
      long spentMinor,
      long budgetMinor,
      BigDecimal budgetUsedPercent,
      long previousMonthMinor,
      BigDecimal changePercent,
      long forecastNextMonthMinor,
      long events) {}

  public record Report(
      String period,
      String currency,
      String from,
      String to,
      Totals totals,
      List<ServiceLine> services,
      List<UserLine> topUsers) {}

  /** Where a report was written. */
  public record Written(
      String period, String bucket, String jsonObject, String csvObject, Totals totals) {}

  /** {@code generateMonthlyReport}'s summary: the month reported and where its files are. */
  public record Run(String period, long spentMinor, long budgetMinor, String json, String csv) {
    JobRunner.Result result() {
      return JobRunner.Result.of(
          DocWriter.create()
              .field("period", period)
              .field("spentMinor", spentMinor)
              .field("budgetMinor", budgetMinor)
              .field("json", json)
              .field("csv", csv)
              .map());
    }
  }

  /** Reports the month before the scheduled time. */
  Run run(JobContext context) {
    Written written = generate(BillingPeriod.of(context.scheduledFor()).previous());
    return new Run(
        written.period(),
        written.totals().spentMinor(),
        written.totals().budgetMinor(),
        "gs://" + written.bucket() + "/" + written.jsonObject(),
        "gs://" + written.bucket() + "/" + written.csvObject());
  }

  public Written generate(BillingPeriod period) {
    Report report = build(period);
    String json = Json.GSON.toJson(report);
    String csv = csv(report);
    String jsonName = OBJECT_PREFIX + period.id() + ".json";
    String csvName = OBJECT_PREFIX + period.id() + ".csv";
    upload(jsonName, "application/json; charset=utf-8", json);
    upload(csvName, "text/csv; charset=utf-8", csv);
    store.save(period, report, new ReportCodec.Objects(bucket, jsonName, csvName));
    return new Written(period.id(), bucket, jsonName, csvName, report.totals());
  }

  Report build(BillingPeriod period) {
    Map<CostService, BudgetPolicy> budgets = this.budgets.budgets();
    List<CostMetrics.ServiceSpend> now = metrics.spendByService(period);
    List<CostMetrics.ServiceSpend> before = metrics.spendByService(period.previous());
    List<CostMetrics.ServiceSpend> twoBefore = metrics.spendByService(period.previous().previous());
    List<ServiceLine> lines = new ArrayList<>();
    long spent = 0;
    long previous = 0;
    long budgetTotal = 0;
    long forecast = 0;
    long events = 0;
    for (int i = 0; i < now.size(); i++) {
      CostService service = CostService.fromWire(now.get(i).service()).orElseThrow();
      long m0 = now.get(i).costMinor();
      long m1 = before.get(i).costMinor();
      long m2 = twoBefore.get(i).costMinor();
      BudgetPolicy policy = budgets.get(service);
      Long budget = policy == null ? null : policy.monthlyBudgetMinor();
      long next = forecastNext(m2, m1, m0);
      lines.add(
          new ServiceLine(
              service.wire(),
              m0,
              budget,
              budget == null ? null : Money.percent(m0, budget),
              m1,
              change(m0, m1),
              next,
              now.get(i).events()));
      spent += m0;
      previous += m1;
      budgetTotal += budget == null ? 0 : budget;
      forecast += next;
      events += now.get(i).events();
    }
    List<UserLine> users = new ArrayList<>();
    int rank = 1;
    for (Usage usage : ledger.topUsers(period, topUsers)) {
      users.add(
          new UserLine(rank++, usage.userId(), Money.toMinor(usage.costMicros()), usage.events()));
    }
    Totals totals =
        new Totals(
            spent,
            budgetTotal,
            Money.percent(spent, budgetTotal),
            previous,
            change(spent, previous),
            forecast,
            events);
    return new Report(
        period.id(),
        "PLN",
        period.start().toString(),
        period.end().toString(),
        totals,
        lines,
        users);
  }

  /** Month-over-month change in percent; null when the previous month had no spend. */
  private static BigDecimal change(long current, long previous) {
    return Money.percent(current - previous, previous);
  }

  /**
   * The least-squares line through the months with data, one month on: three months {@code (-2·m2 +
   * m1 + 4·m0) / 3}; two {@code 2·m0 - m1}; one {@code m0}. Never negative.
   */
  static long forecastNext(long m2, long m1, long m0) {
    long value;
    if (m2 > 0) {
      value =
          Money.divideHalfUp(
                  BigInteger.valueOf(Math.max(0, -2 * m2 + m1 + 4 * m0)), BigInteger.valueOf(3))
              .longValueExact();
    } else if (m1 > 0) {
      value = 2 * m0 - m1;
    } else {
      value = m0;
    }
    return Math.max(0, value);
  }

  static String csv(Report report) {
    StringWriter out = new StringWriter();
    CSVFormat format =
        CSVFormat.DEFAULT.builder().setHeader(CSV_HEADER).setRecordSeparator("\n").get();
    try (CSVPrinter printer = new CSVPrinter(out, format)) {
      for (ServiceLine s : report.services()) {
        printer.printRecord(
            "service",
            s.service(),
            s.spentMinor(),
            s.budgetMinor(),
            plain(s.budgetUsedPercent()),
            s.previousMonthMinor(),
            plain(s.changePercent()),
            s.forecastNextMonthMinor(),
            s.events());
      }
      Totals t = report.totals();
      printer.printRecord(
          "total",
          "all",
          t.spentMinor(),
          t.budgetMinor(),
          plain(t.budgetUsedPercent()),
          t.previousMonthMinor(),
          plain(t.changePercent()),
          t.forecastNextMonthMinor(),
          t.events());
      for (UserLine u : report.topUsers()) {
        printer.printRecord(
            "user", u.userId(), u.spentMinor(), null, null, null, null, null, u.events());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String plain(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }

  private void upload(String name, String contentType, String content) {
    BlobInfo info =
        BlobInfo.newBuilder(BlobId.of(bucket, name)).setContentType(contentType).build();
    try {
      storage.get().create(info, content.getBytes(StandardCharsets.UTF_8));
    } catch (StorageException e) {
      if (e.getCode() == 404) {
        throw ApiException.failedPrecondition(
            "reports bucket " + bucket + " does not exist (COST_REPORTS_BUCKET)");
      }
      throw e;
    }
  }
}

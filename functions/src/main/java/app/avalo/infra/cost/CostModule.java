package app.avalo.infra.cost;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;

/**
 * The cost domain's composition: configuration read once per instance, the stores (one per
 * aggregate) and the services the functions (and other domains) call. Other domains book costs
 * through {@link #ledger()}:
 *
 * <pre>{@code root.cost().ledger().recordBandwidth(CostService.CDN, bytes, region, userId);}
 * </pre>
 */
public final class CostModule {
  private final CostConfig config;
  private final LedgerStore ledgerStore;
  private final PricingStore pricingStore;
  private final BudgetStore budgetStore;
  private final CostDefaults defaults;
  private final BudgetMonitor budgets;
  private final CostLedger ledger;
  private final ThrottleGate throttles;
  private final CostMetrics metrics;
  private final MonthlyReporter reports;
  private final FraudDetector fraud;
  private final BillingImporter billingImport;
  private final BudgetNotices budgetNotices;

  private final Platform platform;

  /**
   * Built from configuration alone: the one adapter, the billing export's BigQuery client, is
   * chosen by {@code COST_BILLING_SOURCE} and pointed by {@code COST_BIGQUERY_ENDPOINT} (tests
   * point it at their loopback fake).
   */
  public CostModule(Platform app) {
    this.platform = app;
    this.config = CostConfig.read(app.configReader(), app.config().projectId());
    this.ledgerStore = new LedgerStore(app.firestore(), config.counterShards());
    this.pricingStore = new PricingStore(app.firestore());
    this.budgetStore = new BudgetStore(app.firestore());
    BillingStore billingStore = new BillingStore(app.firestore(), ledgerStore);
    ThrottleStore throttleStore = new ThrottleStore(app.firestore());
    this.defaults = new CostDefaults(pricingStore, budgetStore);
    CostAlerts alerts = new CostAlerts(app.alerts());
    SpendEstimates spend = new SpendEstimates(ledgerStore, app.clock(), config.cacheTtl());
    this.budgets =
        new BudgetMonitor(
            budgetStore,
            throttleStore,
            ledgerStore,
            billingStore,
            new SpendHistoryStore(app.firestore()),
            defaults,
            spend,
            alerts,
            app.clock(),
            config.cacheTtl());
    this.ledger =
        new CostLedger(ledgerStore, pricingStore, defaults, spend, budgets, app.clock(), config);
    this.throttles =
        new ThrottleGate(
            throttleStore,
            pricingStore,
            budgets,
            new RateLimiter(
                new RateLimitStore(app.firestore(), config.limiterAttempts()), app.clock()),
            app.clock(),
            config.cacheTtl());
    this.metrics = new CostMetrics(ledgerStore, new AppActivityStore(app.firestore()));
    this.reports =
        new MonthlyReporter(
            budgetStore,
            ledgerStore,
            new ReportStore(app.firestore()),
            metrics,
            app::storage,
            config);
    this.fraud =
        new FraudDetector(ledgerStore, throttleStore, alerts, throttles, app.clock(), config);
    BillingConfig billing = config.billing();
    this.billingImport =
        new BillingImporter(
            billing,
            billingStore,
            budgets,
            billing.source() == BillingConfig.Source.BIGQUERY
                ? BigQueryBillingExport.configured(billing, app.clock())
                : null,
            app.config().onCloudFunctions(),
            app.clock());
    this.budgetNotices = new BudgetNotices(billing, billingStore, budgets, app.clock());
  }

  /** The budgets part of the admin dashboard. */
  public DashboardSection dashboardSection() {
    return new CostDashboardSection(platform, this);
  }

  public CostConfig config() {
    return config;
  }

  /** Books costs (AI, bandwidth, any known amount); the path every tracker uses. */
  public CostLedger ledger() {
    return ledger;
  }

  public BudgetMonitor budgets() {
    return budgets;
  }

  public ThrottleGate throttles() {
    return throttles;
  }

  public CostMetrics metrics() {
    return metrics;
  }

  public MonthlyReporter reports() {
    return reports;
  }

  FraudDetector fraud() {
    return fraud;
  }

  BillingImporter billingImport() {
    return billingImport;
  }

  BudgetNotices budgetNotices() {
    return budgetNotices;
  }

  /** For tests: the period totals. */
  LedgerStore ledgerStore() {
    return ledgerStore;
  }

  /** For tests: editing prices and rate limits. */
  PricingStore pricingStore() {
    return pricingStore;
  }

  /** For tests: editing budgets. */
  BudgetStore budgetStore() {
    return budgetStore;
  }

  /**
   * Creates missing price, rate-limit and budget documents from the defaults, once per instance
   * (status views, demo seeding; the ledger does it before its first booking).
   */
  public void seedDefaults() {
    defaults.ensureSeeded();
  }
}

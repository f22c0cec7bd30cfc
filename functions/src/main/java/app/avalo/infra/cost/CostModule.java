package app.avalo.infra.cost;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;

/**
 * The cost domain's composition: configuration read once per instance, the store, and the services
 * the functions (and other domains) call. Other domains book costs through {@link #ledger()}:
 *
 * <pre>{@code root.cost().ledger().recordBandwidth(CostService.CDN, bytes, region, userId);}
 * </pre>
 */
public final class CostModule {
  private final CostConfig config;
  private final CostStore store;
  private final BudgetMonitor budgets;
  private final CostLedger ledger;
  private final ThrottleGate throttles;
  private final CostMetrics metrics;
  private final MonthlyReporter reports;
  private final FraudDetector fraud;

  private final Platform platform;

  /** The cost domain has no adapters of its own: everything it touches is Firestore and Storage. */
  public CostModule(Platform app) {
    this.platform = app;
    this.config = CostConfig.read(app.configReader(), app.config().projectId());
    this.store = new CostStore(app.firestore(), config.counterShards());
    SpendEstimates spend = new SpendEstimates(store, app.clock(), config.cacheTtl());
    this.budgets = new BudgetMonitor(store, spend, app.alerts(), app.clock(), config.cacheTtl());
    this.ledger = new CostLedger(store, spend, budgets, app.clock(), config);
    this.throttles =
        new ThrottleGate(
            store,
            budgets,
            new RateLimiter(app.firestore(), app.clock(), config.limiterAttempts()),
            app.clock(),
            config.cacheTtl());
    this.metrics = new CostMetrics(store);
    this.reports = new MonthlyReporter(store, metrics, app::storage, config);
    this.fraud = new FraudDetector(store, app.alerts(), throttles, app.clock(), config);
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

  CostStore store() {
    return store;
  }

  /**
   * Creates missing price, rate-limit and budget documents from the defaults, once per instance
   * (status views, demo seeding; the ledger does it before its first booking).
   */
  public void seedDefaults() {
    store.ensureSeeded();
  }
}

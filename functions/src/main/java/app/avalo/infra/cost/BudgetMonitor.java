package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Budgets and their state machine, per service and calendar month (UTC):
 *
 * <pre>
 *   ok ──70%──▶ warning ──80%──▶ throttled        (auto-throttle services: AI, video, WebRTC, push)
 *   ok ──70%──▶ warning ──90%──▶ critical         (critical services: never throttled)
 * </pre>
 *
 * Each threshold is recorded once per period in {@code costBudgetStates/{period}~{service}} (a
 * transaction, so exactly one caller wins and raises the alert) and raises one alert {@code
 * budget:{service}:{period}:{level}} (source {@code cost}). A new month starts from ok: the
 * throttle is computed from the current month's spend, and the first observation of the new month
 * resolves the previous month's budget alerts. An admin override ({@link #disableThrottling})
 * suspends the throttle until it expires.
 *
 * <p>Budgets and overrides are cached in-instance for up to the configured TTL (2 s by default), so
 * a budget edit or an override made on another instance takes effect within that time.
 */
public final class BudgetMonitor {
  private static final String KEY = "all";

  private final BudgetStore store;
  private final ThrottleStore throttles;
  private final LedgerStore ledger;
  private final BillingStore billing;
  private final SpendHistoryStore history;
  private final CostDefaults defaults;
  private final SpendEstimates spend;
  private final CostAlerts alerts;
  private final Clock clock;
  private final LocalCache<String, Map<CostService, BudgetPolicy>> budgets;
  private final LocalCache<String, Map<CostService, ThrottleOverride>> overrides;

  /**
   * Levels known to be recorded, per period~service, so most observations need no Firestore call.
   */
  private final LocalCache<String, Set<BudgetPolicy.Level>> recorded;

  BudgetMonitor(
      BudgetStore store,
      ThrottleStore throttles,
      LedgerStore ledger,
      BillingStore billing,
      SpendHistoryStore history,
      CostDefaults defaults,
      SpendEstimates spend,
      CostAlerts alerts,
      Clock clock,
      Duration ttl) {
    this.store = store;
    this.throttles = throttles;
    this.ledger = ledger;
    this.billing = billing;
    this.history = history;
    this.defaults = defaults;
    this.spend = spend;
    this.alerts = alerts;
    this.clock = clock;
    this.budgets = new LocalCache<>(clock, ttl, 1);
    this.overrides = new LocalCache<>(clock, ttl, 1);
    this.recorded = new LocalCache<>(clock, Duration.ofHours(1), 256);
  }

  public Map<CostService, BudgetPolicy> policies() {
    return budgets.get(KEY, store::budgets);
  }

  Optional<ThrottleOverride> activeOverride(CostService service, Instant now) {
    return Optional.ofNullable(overrides.get(KEY, throttles::overrides).get(service))
        .filter(o -> o.activeAt(now));
  }

  /**
   * Advances the state machine for a spend this instance observed; raises the alert of each
   * threshold crossed for the first time this period. Returns the budget state.
   */
  BudgetPolicy.State observe(CostService service, BillingPeriod period, long spentMicros) {
    BudgetPolicy policy = policies().get(service);
    if (policy == null) {
      return BudgetPolicy.State.OK;
    }
    Set<BudgetPolicy.Level> reached = policy.levelsReached(spentMicros);
    String key = LedgerStore.counterId(period, service);
    Set<BudgetPolicy.Level> known = recorded.getIfPresent(key);
    if (known == null || !known.containsAll(reached)) {
      LevelChange change = store.recordLevels(period, service, reached, clock.instant());
      recorded.put(key, EnumSet.copyOf(change.recorded()));
      if (change.createdPeriod()) {
        alerts.periodEnded(service, period.previous());
      }
      for (BudgetPolicy.Level level : change.newlyReached()) {
        alerts.budgetReached(policy, period, level, spentMicros);
      }
    }
    Instant now = clock.instant();
    return policy.state(spentMicros, activeOverride(service, now).isPresent());
  }

  /**
   * A service's spend in a period read fresh: the ledger's total, or the latest Cloud Billing
   * budget notification's month-to-date cost when that is higher (the notification runs ahead of
   * the export, which lags by hours).
   */
  long spentMicros(BillingPeriod period, CostService service) {
    long booked = ledger.spentMicros(period, service);
    return billing
        .notice(period, service)
        .map(n -> Math.max(booked, n.costMicros()))
        .orElse(booked);
  }

  /**
   * Samples every service's month-to-date spend for the forecast's trailing-window rate (the hourly
   * cost job calls it; a missed hour only widens the window).
   */
  void recordHistory(Instant at) {
    BillingPeriod period = BillingPeriod.of(at);
    Map<CostService, Long> spent = new EnumMap<>(CostService.class);
    for (CostService service : CostService.values()) {
      spent.put(service, spentMicros(period, service));
    }
    history.record(period, at.truncatedTo(ChronoUnit.HOURS), spent);
  }

  /** {@link #observe} on the fresh spend (after an import or a notification). */
  BudgetPolicy.State observeFresh(CostService service, BillingPeriod period) {
    return observe(service, period, spentMicros(period, service));
  }

  /**
   * The budget part of checkThrottle: how long the service is throttled for, if it is (until the
   * month ends — or until spend is covered by a raised budget or an override).
   */
  Optional<Duration> throttledFor(CostService service, Instant now) {
    BudgetPolicy policy = policies().get(service);
    if (policy == null || policy.mode() != BudgetPolicy.Mode.AUTO_THROTTLE) {
      return Optional.empty();
    }
    BillingPeriod period = BillingPeriod.of(now);
    long spent = spend.micros(period, service);
    if (!policy.throttles(spent)) {
      return Optional.empty();
    }
    // Another instance may have pushed spend over the line: make sure the transition is recorded.
    observe(service, period, spent);
    if (activeOverride(service, now).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, period.end()));
  }

  /**
   * {@code disableThrottling}: suspends the service's budget throttle until {@code now + duration}.
   */
  public OverrideView disableThrottling(ThrottleRequest request, String by) {
    CostService service = request.service();
    BudgetPolicy policy = policies().get(service);
    if (policy != null && policy.mode() == BudgetPolicy.Mode.CRITICAL) {
      throw ApiException.failedPrecondition(
          service.wire() + " is a critical service: it is never throttled");
    }
    Instant now = clock.instant();
    ThrottleOverride override =
        new ThrottleOverride(service, now.plus(request.duration()), request.reason(), by, now);
    throttles.saveOverride(override);
    overrides.invalidateAll();
    return OverrideView.of(override, now);
  }

  /** One service's line of getBudgetStatus. */
  public record Status(
      String service,
      boolean budgeted,
      String mode,
      Long budgetMinor,
      long spentMinor,
      BigDecimal percent,
      Long forecastMinor,
      BigDecimal forecastPercent,
      String forecastConfidence,
      String forecastBasis,
      String state,
      Integer alertPercent,
      Integer throttlePercent,
      Integer criticalPercent,
      OverrideView override,
      Map<String, Instant> reachedAt) {}

  public record OverrideView(
      Instant until, String reason, String by, Instant createdAt, boolean active) {
    static OverrideView of(ThrottleOverride override, Instant now) {
      return new OverrideView(
          override.until(),
          override.reason(),
          override.by(),
          override.createdAt(),
          override.activeAt(now));
    }
  }

  /** getBudgetStatus's answer. */
  public record BudgetStatus(String period, Instant asOf, List<Status> services) {}

  /** getBudgetStatus: seeds missing budgets, then {@link #status} for the current month. */
  public BudgetStatus budgetStatus() {
    defaults.ensureSeeded();
    Instant now = clock.instant();
    return new BudgetStatus(BillingPeriod.of(now).id(), now, status(now));
  }

  /** Read fresh (no cache), every service, in a stable order. */
  public List<Status> status(Instant now) {
    BillingPeriod period = BillingPeriod.of(now);
    Map<CostService, BudgetPolicy> policies = store.budgets();
    Map<CostService, ThrottleOverride> current = throttles.overrides();
    List<Status> lines = new ArrayList<>();
    for (CostService service : CostService.values()) {
      BudgetPolicy policy = policies.get(service);
      long spentMicros = spentMicros(period, service);
      long spentMinor = Money.toMinor(spentMicros);
      SpendForecast forecast = forecast(period, service, spentMicros, now);
      Long forecastMinor =
          forecast.forecastMicros() == null ? null : Money.toMinor(forecast.forecastMicros());
      ThrottleOverride override = current.get(service);
      OverrideView view = override == null ? null : OverrideView.of(override, now);
      Map<String, Instant> reached = new LinkedHashMap<>();
      store.levelTimes(period, service).forEach((level, at) -> reached.put(level.label(), at));
      if (policy == null) {
        lines.add(
            new Status(
                service.wire(),
                false,
                null,
                null,
                spentMinor,
                null,
                forecastMinor,
                null,
                forecast.confidence(),
                forecast.basis(),
                BudgetPolicy.State.OK.wire(),
                null,
                null,
                null,
                view,
                reached));
        continue;
      }
      boolean auto = policy.mode() == BudgetPolicy.Mode.AUTO_THROTTLE;
      lines.add(
          new Status(
              service.wire(),
              true,
              policy.mode().wire(),
              policy.monthlyBudgetMinor(),
              spentMinor,
              Money.percent(spentMinor, policy.monthlyBudgetMinor()),
              forecastMinor,
              forecastMinor == null
                  ? null
                  : Money.percent(forecastMinor, policy.monthlyBudgetMinor()),
              forecast.confidence(),
              forecast.basis(),
              policy.state(spentMicros, view != null && view.active()).wire(),
              policy.alertPercent(),
              auto ? policy.throttlePercent() : null,
              auto ? null : policy.criticalPercent(),
              view,
              reached));
    }
    return lines;
  }

  /** See {@link SpendForecast}; last month's total is read only while it is needed. */
  private SpendForecast forecast(
      BillingPeriod period, CostService service, long spentMicros, Instant now) {
    Long previous =
        Duration.between(period.start(), now).compareTo(SpendForecast.WINDOW) < 0
            ? spentMicros(period.previous(), service)
            : null;
    if (previous != null && previous == 0) {
      previous = null; // a service new this month has no last month to lean on
    }
    return SpendForecast.of(period, now, spentMicros, history.points(period, service), previous);
  }
}

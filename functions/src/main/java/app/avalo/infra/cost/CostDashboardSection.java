package app.avalo.infra.cost;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost domain's part of {@code getDashboardData}: this month's spend per budgeted service with
 * its state and forecast, and how many users are abuse-throttled right now.
 */
final class CostDashboardSection implements DashboardSection {
  private final Platform platform;
  private final CostModule module;

  CostDashboardSection(Platform platform, CostModule module) {
    this.platform = platform;
    this.module = module;
  }

  /** One budgeted service this month, with its month-end forecast and how sure that is. */
  record ServiceLine(
      String service,
      long spentMinor,
      Long budgetMinor,
      BigDecimal percent,
      String state,
      Long forecastMinor,
      String forecastConfidence) {}

  /** {@code totalSpentMinor} counts every service, budgeted or not. */
  record Snapshot(
      String period, long totalSpentMinor, List<ServiceLine> services, long abuseThrottledUsers) {}

  @Override
  public Snapshot snapshot() {
    Instant now = platform.clock().instant();
    List<ServiceLine> services = new ArrayList<>();
    long spent = 0;
    for (BudgetMonitor.Status s : module.budgets().status(now)) {
      spent += s.spentMinor();
      if (s.budgeted()) {
        services.add(
            new ServiceLine(
                s.service(),
                s.spentMinor(),
                s.budgetMinor(),
                s.percent(),
                s.state(),
                s.forecastMinor(),
                s.forecastConfidence()));
      }
    }
    return new Snapshot(
        BillingPeriod.of(now).id(), spent, services, module.throttles().abuseThrottledUsers(now));
  }
}

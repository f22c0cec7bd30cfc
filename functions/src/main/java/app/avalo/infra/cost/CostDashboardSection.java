package app.avalo.infra.cost;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost domain's part of {@code getDashboardData}: this month's spend per budgeted service with
 * its state, and how many users are abuse-throttled right now.
 */
final class CostDashboardSection implements DashboardSection {
  private final Platform platform;
  private final CostModule module;

  CostDashboardSection(Platform platform, CostModule module) {
    this.platform = platform;
    this.module = module;
  }

  @Override
  public Object snapshot() {
    Instant now = platform.clock().instant();
    List<Map<String, Object>> services = new ArrayList<>();
    long spent = 0;
    for (BudgetMonitor.Status s : module.budgets().status(now)) {
      spent += s.spentMinor();
      if (!s.budgeted()) {
        continue;
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("service", s.service());
      line.put("spentMinor", s.spentMinor());
      line.put("budgetMinor", s.budgetMinor());
      line.put("percent", s.percent());
      line.put("state", s.state());
      services.add(line);
    }
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("period", BillingPeriod.of(now).id());
    snapshot.put("totalSpentMinor", spent);
    snapshot.put("services", services);
    snapshot.put("abuseThrottledUsers", module.store().activeAbuseThrottles(now));
    return snapshot;
  }
}

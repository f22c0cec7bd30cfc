package app.avalo.infra.cost;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.DashboardSection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost domain's part of {@code getDashboardData}: this month's spend per budgeted service with
 * its state, and how many users are abuse-throttled right now.
 */
public final class CostDashboardSection implements DashboardSection {
  @Override
  public String name() {
    return "budgets";
  }

  @Override
  public Object snapshot(App app) {
    CostModule cost = CostModule.of(app);
    Instant now = app.clock().instant();
    List<Map<String, Object>> services = new ArrayList<>();
    long spent = 0;
    for (BudgetMonitor.Status s : cost.budgets().status(now)) {
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
    snapshot.put("abuseThrottledUsers", cost.store().activeAbuseThrottles(now));
    return snapshot;
  }
}

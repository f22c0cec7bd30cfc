package app.avalo.infra.scaling;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.DashboardSection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scaling part of the admin overview: per service the desired instances, bounds, last decision,
 * burst and override — from the state documents only (no metrics reads), so it stays a few reads.
 */
public final class ScalingDashboardSection implements DashboardSection {
  @Override
  public String name() {
    return "scaling";
  }

  @Override
  public Object snapshot(App app) {
    ScalingModule scaling = ScalingModule.of(app);
    Instant now = app.clock().instant();
    List<Map<String, Object>> services =
        scaling.status().services(null, now, false).stream()
            .map(
                s -> {
                  Map<String, Object> v = new LinkedHashMap<>();
                  for (String key :
                      List.of(
                          "service",
                          "desiredInstances",
                          "bounds",
                          "lastDecision",
                          "burst",
                          "override")) {
                    v.put(key, s.get(key));
                  }
                  @SuppressWarnings("unchecked")
                  Map<String, Object> cooldown = (Map<String, Object>) s.get("cooldown");
                  v.put("cooldownRemainingSeconds", cooldown.get("remainingSeconds"));
                  @SuppressWarnings("unchecked")
                  Map<String, Object> actuation = (Map<String, Object>) s.get("actuation");
                  v.put("actuationStatus", actuation.get("status"));
                  return v;
                })
            .toList();
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("actuator", scaling.status().actuatorMode());
    snapshot.put(
        "burstsActive",
        services.stream()
            .filter(s -> Boolean.TRUE.equals(((Map<?, ?>) s.get("burst")).get("active")))
            .count());
    snapshot.put("services", services);
    return snapshot;
  }
}

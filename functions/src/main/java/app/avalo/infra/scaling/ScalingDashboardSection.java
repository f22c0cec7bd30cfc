package app.avalo.infra.scaling;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scaling part of the admin overview: per service the desired instances, bounds, last decision,
 * burst and override — from the state documents only (no metrics reads), so it stays a few reads.
 */
final class ScalingDashboardSection implements DashboardSection {
  private final Platform platform;
  private final ScalingModule module;

  ScalingDashboardSection(Platform platform, ScalingModule module) {
    this.platform = platform;
    this.module = module;
  }

  @Override
  public Object snapshot() {
    Instant now = platform.clock().instant();
    List<Map<String, Object>> services =
        module.status().services(null, now, false).stream()
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
    snapshot.put("actuator", module.status().actuatorMode());
    snapshot.put(
        "burstsActive",
        services.stream()
            .filter(s -> Boolean.TRUE.equals(((Map<?, ?>) s.get("burst")).get("active")))
            .count());
    snapshot.put("services", services);
    return snapshot;
  }
}

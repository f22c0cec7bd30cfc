package app.avalo.infra.scaling;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.scaling.ScalingController.Bounds;
import java.util.List;

/**
 * The scaling part of the admin overview: per service the desired instances, bounds, last decision,
 * per-region instances, burst and override — from the state documents only (no metrics reads), so
 * it stays a few reads.
 */
final class ScalingDashboardSection implements DashboardSection {
  /** The section's data. */
  record Overview(String actuator, long burstsActive, List<ServiceLine> services) {}

  /** One service, a subset of its {@link ServiceStatus}. */
  record ServiceLine(
      String service,
      Integer desiredInstances,
      Bounds bounds,
      ServiceStatus.LastDecision lastDecision,
      BurstView burst,
      OverrideView override,
      long cooldownRemainingSeconds,
      String actuationStatus,
      List<RegionState> regions) {}

  private final Platform platform;
  private final ScalingModule module;

  ScalingDashboardSection(Platform platform, ScalingModule module) {
    this.platform = platform;
    this.module = module;
  }

  @Override
  public Overview snapshot() {
    List<ServiceLine> services =
        module.status().services(null, platform.clock().instant(), false).stream()
            .map(
                s ->
                    new ServiceLine(
                        s.service(),
                        s.desiredInstances(),
                        s.bounds(),
                        s.lastDecision(),
                        s.burst(),
                        s.override(),
                        s.cooldown().remainingSeconds(),
                        s.actuation().status(),
                        s.regions()))
            .toList();
    return new Overview(
        module.status().actuatorMode(),
        services.stream().filter(s -> s.burst().active()).count(),
        services);
  }
}

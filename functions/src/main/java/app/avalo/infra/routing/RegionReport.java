package app.avalo.infra.routing;

import java.time.Instant;

/**
 * How a region is doing, as {@code getRegionStatuses} (public) and the dashboard (admin) show it.
 * Fields that are null are left out of the JSON; the public view leaves out everything internal
 * (health URL, errors, the drain's reason and author).
 */
public record RegionReport(
    String id,
    String name,
    String city,
    String gcpRegion,
    String endpoint,
    boolean primary,
    String status,
    String healthStatus,
    Long lastLatencyMs,
    Long medianLatencyMs,
    Instant lastCheckAt,
    Instant statusChangedAt,
    ManualOverride manualOverride,
    // admin view only
    Integer consecutiveFailures,
    String lastError,
    String healthUrl,
    Integer priority,
    Integer capacityWeight,
    String activeFailoverId) {

  /** A manual override in force. */
  public record ManualOverride(
      String mode, Instant since, Instant until, String reason, String by) {}

  static RegionReport publicView(Region region, Instant now) {
    return of(region, now, false);
  }

  static RegionReport adminView(Region region, Instant now) {
    return of(region, now, true);
  }

  private static RegionReport of(Region region, Instant now, boolean admin) {
    RegionDefinition d = region.definition();
    HealthState h = region.health();
    HealthCheck last = h.last();
    Drain drain = region.activeDrain(now);
    ManualOverride override =
        drain == null
            ? null
            : new ManualOverride(
                RegionStatus.DRAINING.wire(),
                drain.since(),
                drain.until(),
                admin ? drain.reason() : null,
                admin ? drain.by() : null);
    return new RegionReport(
        d.id(),
        d.name(),
        d.city(),
        d.gcpRegion(),
        d.endpoint(),
        d.primary(),
        region.status(now).wire(),
        h.status().wire(),
        last == null ? null : last.latencyMs(),
        h.medianLatencyMs(),
        region.lastCheckAt(),
        region.statusChangedAt(),
        override,
        admin ? h.consecutiveFailures() : null,
        admin && last != null ? last.error() : null,
        admin ? d.healthUrl() : null,
        admin ? d.priority() : null,
        admin ? d.capacityWeight() : null,
        admin ? region.activeFailoverId() : null);
  }
}

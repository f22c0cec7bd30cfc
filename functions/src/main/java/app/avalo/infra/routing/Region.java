package app.avalo.infra.routing;

import java.time.Instant;

/**
 * A region as stored in {@code regions/{id}}: its definition, what the health checks last
 * concluded, and the manual drain if any.
 *
 * @param drain null when no drain was ever set or it was cleared; it may have expired (see {@link
 *     #status})
 * @param activeFailoverId the running {@code failoverOperations} doc moving users out of this
 *     region, if any
 */
public record Region(
    RegionDefinition definition,
    HealthState health,
    Instant statusChangedAt,
    Instant lastCheckAt,
    Instant heartbeatAt,
    RegionStatus alertedStatus,
    Drain drain,
    String activeFailoverId) {

  public String id() {
    return definition.id();
  }

  /**
   * The status routing acts on at {@code now}: draining while a drain is in force, else the health
   * status.
   */
  public RegionStatus status(Instant now) {
    return drain != null && drain.activeAt(now) ? RegionStatus.DRAINING : health.status();
  }

  /** The drain in force at {@code now}, or null. */
  public Drain activeDrain(Instant now) {
    return drain != null && drain.activeAt(now) ? drain : null;
  }

  Region withHealth(HealthState next, Instant changedAt, Instant heartbeat) {
    return new Region(
        definition,
        next,
        changedAt,
        next.last() == null ? lastCheckAt : next.last().at(),
        heartbeat,
        alertedStatus,
        drain,
        activeFailoverId);
  }

  Region withAlertedStatus(RegionStatus alerted) {
    return new Region(
        definition,
        health,
        statusChangedAt,
        lastCheckAt,
        heartbeatAt,
        alerted,
        drain,
        activeFailoverId);
  }

  /**
   * A region whose live state is unknown (Firestore unreachable at cold start): assumed healthy.
   */
  static Region assumedHealthy(RegionDefinition definition) {
    return new Region(
        definition, HealthState.initial(), null, null, null, RegionStatus.HEALTHY, null, null);
  }
}

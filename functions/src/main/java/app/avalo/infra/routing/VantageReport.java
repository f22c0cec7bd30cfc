package app.avalo.infra.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What one vantage (the region a health checker runs in) last reported about every region: its own
 * hysteresis state per region, and whether its last round reached anyone at all. Stored in {@code
 * regionVantages/{vantage}} by {@link VantageStore}; {@link HealthQuorum} decides a region's status
 * from the reports of all live vantages.
 *
 * @param at when the vantage last wrote the report (its liveness)
 * @param reachedAny false when the vantage's last round reached no region, itself included: it is
 *     partitioned, and what it sees says nothing about the regions
 */
public record VantageReport(
    String vantage, Instant at, boolean reachedAny, Map<String, Observation> regions) {

  public VantageReport {
    regions = Map.copyOf(regions);
  }

  /** One vantage's view of one region: its own state and why. */
  public record Observation(HealthState state, String reason) {}

  /** Live: written recently enough and not partitioned. */
  boolean live(Instant now, Duration staleAfter) {
    return reachedAny && at != null && !at.plus(staleAfter).isBefore(now);
  }
}

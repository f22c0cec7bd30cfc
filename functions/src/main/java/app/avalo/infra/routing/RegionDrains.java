package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Manual drains ({@code forceFailover}): a drained region gets no new traffic and its pinned users
 * fail over on their next request until the drain ends or is cleared; the health checks do not
 * clear it. A drain with a target also starts moving every pinned user there.
 */
final class RegionDrains {
  /** The answer to {@code forceFailover}. */
  sealed interface Result permits Cleared, Drained {}

  /** The answer to a clear: whether a drain was ended, and the region's status now. */
  record Cleared(String region, boolean cleared, String status) implements Result {}

  /** The answer to a drain: until when, and the migration it started (null without a target). */
  record Drained(String region, String status, Instant drainingUntil, FailoverOperation operation)
      implements Result {}

  private final RegionStore regions;
  private final RegionView view;
  private final FailoverMigrator failover;
  private final RoutingConfig config;
  private final Clock clock;

  RegionDrains(
      RegionStore regions,
      RegionView view,
      FailoverMigrator failover,
      RoutingConfig config,
      Clock clock) {
    this.regions = regions;
    this.view = view;
    this.failover = failover;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Drains the region or ends its drain, as the request says; a migration it starts runs on the
   * failover workers.
   */
  Result apply(DrainRequest request, String by) {
    return request.clear() ? clear(request, by) : drain(request, by);
  }

  Cleared clear(DrainRequest request, String by) {
    Instant now = clock.instant();
    String from = request.fromRegion();
    String reason = request.reason() == null ? "cleared by " + by : request.reason();
    boolean cleared = regions.clearDrain(from, by, reason, now);
    view.refreshNow();
    return new Cleared(from, cleared, regions.require(from).status(now).wire());
  }

  /** Drains the region and, with a target, starts moving its pinned users there. */
  Drained drain(DrainRequest request, String by) {
    Instant now = clock.instant();
    String from = request.fromRegion();
    regions.require(from);
    if (request.toRegion() != null) {
      RegionStatus target = regions.require(request.toRegion()).status(now);
      if (!target.usable()) {
        throw ApiException.failedPrecondition(
            "target region "
                + request.toRegion()
                + " is "
                + target.wire()
                + "; choose a healthy or degraded region");
      }
    }
    long minutes = request.minutes() == null ? config.defaultDrainMinutes() : request.minutes();
    Drain drain = new Drain(now, now.plus(Duration.ofMinutes(minutes)), request.reason(), by);
    regions.drain(from, drain);
    view.refreshNow();
    FailoverOperation operation = null;
    if (request.toRegion() != null) {
      FailoverOperation op = failover.start(from, request.toRegion(), by, request.reason());
      operation = failover.launch(op.id());
    }
    return new Drained(from, RegionStatus.DRAINING.wire(), drain.until(), operation);
  }
}

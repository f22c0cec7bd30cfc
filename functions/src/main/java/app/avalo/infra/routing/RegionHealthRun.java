package app.avalo.infra.routing;

import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One run of the health checks: {@code rounds} rounds (default 6) {@code interval} apart (default
 * 10 s), each probing every region concurrently, feeding {@link HealthPolicy} and acting on what it
 * concludes. Cloud Scheduler cannot fire more often than once a minute; this is how the regions are
 * still checked every 10 s.
 *
 * <p>Writes are bounded: a status change is written at once (with its {@code regionEvents} record)
 * so routing sees it within its refresh interval, and the monitoring alert follows; otherwise a
 * region's health data is written at the end of the run only when a streak that the hysteresis
 * depends on is under way or ended, or when its heartbeat is due. A healthy steady state therefore
 * costs one write per region per heartbeat.
 *
 * <p>A round starts only if it can finish (probe timeouts plus a write margin) before the job's
 * deadline.
 */
public final class RegionHealthRun {
  static final Duration WRITE_MARGIN = Duration.ofSeconds(5);

  private final RegionStore store;
  private final HealthProber prober;
  private final HealthPolicy policy;
  private final RegionAlerts alerts;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RoutingConfig config;

  RegionHealthRun(
      RegionStore store,
      HealthProber prober,
      HealthPolicy policy,
      RegionAlerts alerts,
      Clock clock,
      Sleeper sleeper,
      RoutingConfig config) {
    this.store = store;
    this.prober = prober;
    this.policy = policy;
    this.alerts = alerts;
    this.clock = clock;
    this.sleeper = sleeper;
    this.config = config;
  }

  /** Runs the rounds that fit before {@code deadline}; returns what it did, for the job record. */
  HealthRunSummary run(Instant deadline, BiConsumer<String, Object> progress)
      throws InterruptedException {
    List<Region> loaded = store.loadAll();
    if (loaded.isEmpty()) {
      return HealthRunSummary.noRegions();
    }
    Map<String, Region> regions = new LinkedHashMap<>();
    Map<String, HealthState> persisted = new LinkedHashMap<>();
    for (Region r : loaded) {
      regions.put(r.id(), r);
      persisted.put(r.id(), r.health());
    }
    List<HealthRunSummary.Transition> transitions = new ArrayList<>();
    int rounds = 0;
    int probes = 0;
    int failedProbes = 0;
    int writes = 0;
    int alertFailures = 0;
    boolean stoppedForDeadline = false;
    Instant start = clock.instant();
    for (int round = 0; round < config.healthRounds(); round++) {
      Duration wait =
          Duration.between(clock.instant(), start.plus(config.roundInterval().multipliedBy(round)));
      if (!wait.isNegative() && !wait.isZero()) {
        sleeper.sleep(wait);
      }
      if (clock.instant().plus(config.probeBudget()).plus(WRITE_MARGIN).isAfter(deadline)) {
        stoppedForDeadline = true;
        break;
      }
      Map<String, HealthCheck> checks = prober.probeAll(List.copyOf(regions.values()));
      rounds++;
      for (Map.Entry<String, HealthCheck> e : checks.entrySet()) {
        Region region = regions.get(e.getKey());
        HealthCheck check = e.getValue();
        probes++;
        if (!check.ok()) {
          failedProbes++;
        }
        HealthState next = policy.apply(region.health(), check);
        if (next.status() == region.health().status()) {
          regions.put(
              region.id(), region.withHealth(next, region.statusChangedAt(), region.heartbeatAt()));
          continue;
        }
        String reason = explain(next);
        store.recordTransition(region, next, reason, check.at());
        writes += 2;
        persisted.put(region.id(), next);
        Log.warn(
            "region status changed",
            Map.of(
                "region",
                region.id(),
                "from",
                region.health().status().wire(),
                "to",
                next.status().wire(),
                "reason",
                reason));
        transitions.add(
            new HealthRunSummary.Transition(
                region.id(),
                region.health().status().wire(),
                next.status().wire(),
                check.at().toString(),
                reason));
        Region updated = region.withHealth(next, check.at(), check.at());
        if (!syncAlert(updated, reason)) {
          alertFailures++;
        } else {
          updated = updated.withAlertedStatus(next.status());
          writes++;
        }
        regions.put(region.id(), updated);
      }
      progress.accept("rounds", rounds);
    }
    Instant end = clock.instant();
    Map<String, String> statuses = new LinkedHashMap<>();
    for (Region region : regions.values()) {
      if (region.alertedStatus() != region.health().status()) {
        if (syncAlert(region, explain(region.health()))) {
          writes++;
        } else {
          alertFailures++;
        }
      }
      if (needsWrite(region, persisted.get(region.id()), end)) {
        store.saveHealth(region.id(), region.health(), end);
        writes++;
      }
      statuses.put(region.id(), region.health().status().wire());
    }
    return new HealthRunSummary(
        rounds,
        null,
        probes,
        failedProbes,
        transitions,
        statuses,
        writes,
        stoppedForDeadline,
        alertFailures);
  }

  /**
   * Raises or resolves the region's alert; false (logged, retried next time) if monitoring could
   * not be told.
   */
  private boolean syncAlert(Region region, String reason) {
    try {
      alerts.sync(region, region.health(), reason);
      store.markAlerted(region.id(), region.health().status());
      return true;
    } catch (RuntimeException e) {
      // The status change itself is recorded; alertedStatus stays behind so the next run retries.
      Log.error(
          "could not sync the region alert; will retry",
          Map.of("region", region.id(), "status", region.health().status().wire()),
          e);
      return false;
    }
  }

  private boolean needsWrite(Region region, HealthState persisted, Instant now) {
    HealthState state = region.health();
    if (state.equals(persisted)) {
      return false;
    }
    boolean heartbeatDue =
        region.heartbeatAt() == null
            || !Duration.between(region.heartbeatAt(), now).minus(config.heartbeat()).isNegative();
    return heartbeatDue || streakUnderWay(state) || streakUnderWay(persisted);
  }

  /**
   * A streak the next run must continue from: failures short of unhealthy, or a recovery under way.
   */
  private boolean streakUnderWay(HealthState s) {
    return (s.consecutiveFailures() > 0 && s.consecutiveFailures() < config.failuresToUnhealthy())
        || (s.status() != RegionStatus.HEALTHY
            && s.consecutiveSuccesses() > 0
            && s.consecutiveSuccesses() < config.successesToHealthy());
  }

  private String explain(HealthState state) {
    String why = policy.explain(state);
    return why != null
        ? why
        : state.consecutiveSuccesses() + " consecutive successful health checks";
  }
}

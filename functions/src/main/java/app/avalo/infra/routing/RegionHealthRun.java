package app.avalo.infra.routing;

import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One run of the health checks from one vantage (the region the checker runs in): {@code rounds}
 * rounds (default 6) {@code interval} apart (default 10 s), each probing every region concurrently
 * and feeding this vantage's own {@link HealthPolicy} state per region; after each round the
 * region's status is decided by {@link HealthQuorum} over every live vantage's report and acted on.
 * Cloud Scheduler cannot fire more often than once a minute; this is how the regions are still
 * checked every 10 s.
 *
 * <p>Writes are bounded: the vantage's report ({@code regionVantages/{vantage}}) is written when
 * one of its own statuses changes or it stops (or starts again) reaching anyone, and otherwise at
 * the end of the run when a streak is under way or its heartbeat is due. A decided status change is
 * written at once (with its {@code regionEvents} record, in a transaction so that only the first
 * vantage to decide it writes) so routing sees it within its refresh interval, and the monitoring
 * alert follows; otherwise a region's health data is written at the end of the run only when a
 * streak that the hysteresis depends on is under way or ended, or when its heartbeat is due. A
 * healthy steady state therefore costs one write per region and one per vantage per heartbeat.
 *
 * <p>A round starts only if it can finish (probe timeouts plus a write margin) before the job's
 * deadline.
 */
public final class RegionHealthRun {
  static final Duration WRITE_MARGIN = Duration.ofSeconds(5);

  private final String vantage;
  private final RegionStore store;
  private final VantageStore vantages;
  private final HealthProber prober;
  private final HealthPolicy policy;
  private final HealthQuorum quorum;
  private final RegionAlerts alerts;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RoutingConfig config;

  RegionHealthRun(
      String vantage,
      RegionStore store,
      VantageStore vantages,
      HealthProber prober,
      HealthPolicy policy,
      RegionAlerts alerts,
      Clock clock,
      Sleeper sleeper,
      RoutingConfig config) {
    this.vantage = vantage;
    this.store = store;
    this.vantages = vantages;
    this.prober = prober;
    this.policy = policy;
    this.quorum = new HealthQuorum(config.vantageStaleAfter());
    this.alerts = alerts;
    this.clock = clock;
    this.sleeper = sleeper;
    this.config = config;
  }

  /** The region this checker probes from. */
  public String vantage() {
    return vantage;
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
    VantageReport saved = vantages.find(vantage).orElse(null);
    // This vantage's own view of each region; a vantage without a report yet starts from the
    // stored figures (a single checker continues where it left off).
    Map<String, VantageReport.Observation> own = new LinkedHashMap<>();
    for (Region r : loaded) {
      regions.put(r.id(), r);
      persisted.put(r.id(), r.health());
      VantageReport.Observation seen = saved == null ? null : saved.regions().get(r.id());
      own.put(r.id(), seen != null ? seen : new VantageReport.Observation(r.health(), null));
    }
    boolean reachedAny = saved == null || saved.reachedAny();
    List<HealthRunSummary.Transition> transitions = new ArrayList<>();
    int rounds = 0;
    int probes = 0;
    int failedProbes = 0;
    int writes = 0;
    int vantageWrites = 0;
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
      Map<String, HealthCheck> checks = prober.probeAll(vantage, List.copyOf(regions.values()));
      rounds++;
      boolean ownChanged = saved == null;
      boolean reached = false;
      for (Map.Entry<String, HealthCheck> e : checks.entrySet()) {
        HealthCheck check = e.getValue();
        probes++;
        if (check.ok()) {
          reached = true;
        } else {
          failedProbes++;
        }
        HealthState before = own.get(e.getKey()).state();
        HealthState next = policy.apply(before, check);
        own.put(e.getKey(), new VantageReport.Observation(next, explain(next)));
        ownChanged |= next.status() != before.status();
      }
      if (reached != reachedAny) {
        Log.warn(
            reached
                ? "health-check vantage reaches regions again"
                : "health-check vantage reaches no region; its view is ignored (partitioned)",
            Map.of("vantage", vantage));
        ownChanged = true;
        reachedAny = reached;
      }
      VantageReport mine = new VantageReport(vantage, clock.instant(), reachedAny, own);
      if (ownChanged) {
        vantages.save(mine);
        saved = mine;
        vantageWrites++;
      }
      List<VantageReport> reports = new ArrayList<>();
      reports.add(mine);
      for (VantageReport other : vantages.loadAll()) {
        if (!other.vantage().equals(vantage)) {
          reports.add(other);
        }
      }
      for (Map.Entry<String, HealthCheck> e : checks.entrySet()) {
        Region region = regions.get(e.getKey());
        HealthCheck check = e.getValue();
        HealthQuorum.Verdict verdict = quorum.decide(region.id(), reports, clock.instant());
        RegionStatus current = region.health().status();
        RegionStatus decided = verdict.status() == null ? current : verdict.status();
        HealthState next = own.get(region.id()).state().withStatus(decided);
        if (decided == current) {
          regions.put(
              region.id(), region.withHealth(next, region.statusChangedAt(), region.heartbeatAt()));
          continue;
        }
        String reason = verdict.reason() != null ? verdict.reason() : explain(next);
        Optional<Region> first = store.recordTransition(region, next, reason, check.at());
        if (first.isPresent()) {
          // Another vantage wrote this change (or another) first: carry on from what it stored.
          Region stored = first.get();
          persisted.put(region.id(), stored.health());
          regions.put(
              region.id(),
              stored.withHealth(
                  own.get(region.id()).state().withStatus(stored.health().status()),
                  stored.statusChangedAt(),
                  stored.heartbeatAt()));
          continue;
        }
        writes += 2;
        persisted.put(region.id(), next);
        Log.warn(
            "region status changed",
            Map.of(
                "region",
                region.id(),
                "from",
                current.wire(),
                "to",
                decided.wire(),
                "reason",
                reason,
                "vantage",
                vantage));
        transitions.add(
            new HealthRunSummary.Transition(
                region.id(), current.wire(), decided.wire(), check.at().toString(), reason));
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
      if (needsWrite(region.health(), persisted.get(region.id()), region.heartbeatAt(), end)) {
        store.saveHealth(region.id(), region.health(), end);
        writes++;
      }
      statuses.put(region.id(), region.health().status().wire());
    }
    if (ownNeedsWrite(own, saved, end)) {
      vantages.save(new VantageReport(vantage, end, reachedAny, own));
      vantageWrites++;
    }
    return new HealthRunSummary(
        rounds,
        null,
        vantage,
        probes,
        failedProbes,
        transitions,
        statuses,
        writes,
        vantageWrites,
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

  private boolean needsWrite(
      HealthState state, HealthState persisted, Instant heartbeatAt, Instant now) {
    if (state.equals(persisted)) {
      return false;
    }
    return heartbeatDue(heartbeatAt, now) || streakUnderWay(state) || streakUnderWay(persisted);
  }

  /** The vantage's report: missing, its heartbeat due, or a streak the next run continues. */
  private boolean ownNeedsWrite(
      Map<String, VantageReport.Observation> own, VantageReport saved, Instant now) {
    if (saved == null || heartbeatDue(saved.at(), now)) {
      return true;
    }
    for (Map.Entry<String, VantageReport.Observation> e : own.entrySet()) {
      VantageReport.Observation before = saved.regions().get(e.getKey());
      if (before == null) {
        return true;
      }
      if (!e.getValue().state().equals(before.state())
          && (streakUnderWay(e.getValue().state()) || streakUnderWay(before.state()))) {
        return true;
      }
    }
    return false;
  }

  private boolean heartbeatDue(Instant last, Instant now) {
    return last == null || !Duration.between(last, now).minus(config.heartbeat()).isNegative();
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

package app.avalo.infra.routing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How the regions are reported: publicly ({@code getRegionStatuses}, from the in-process view, no
 * Firestore read) and to admins (the dashboard section: the stored regions, the last events and the
 * running failovers and the vantages' reports, four reads).
 */
final class RegionReports {
  static final int DASHBOARD_EVENTS = 10;

  /** The answer to {@code getRegionStatuses}. */
  record Statuses(List<RegionReport> regions, Instant at) {}

  /** The routing section of {@code getDashboardData}. */
  record Dashboard(
      List<RegionReport> regions,
      List<RegionEvent> recentEvents,
      List<FailoverOperation> runningFailovers,
      List<VantageAgreement> vantageAgreement) {}

  /**
   * How the vantages see one region: the quorum's verdict ({@code null} when no vantage is live),
   * how many live vantages agree with it, and each vantage's own status.
   */
  record VantageAgreement(
      String region, String verdict, int live, int agreeing, List<Seen> seenBy) {}

  /** One vantage's view of a region; {@code live} false when stale or partitioned. */
  record Seen(String vantage, String status, boolean live, boolean partitioned, Instant at) {}

  private final RegionStore regions;
  private final VantageStore vantages;
  private final HealthQuorum quorum;
  private final RegionView view;
  private final FailoverMigrator failover;
  private final Clock clock;

  RegionReports(
      RegionStore regions,
      VantageStore vantages,
      RegionView view,
      FailoverMigrator failover,
      RoutingConfig config,
      Clock clock) {
    this.regions = regions;
    this.vantages = vantages;
    this.quorum = new HealthQuorum(config.vantageStaleAfter());
    this.view = view;
    this.failover = failover;
    this.clock = clock;
  }

  Statuses publicStatuses() {
    Instant now = clock.instant();
    return new Statuses(
        view.current().regions().stream().map(r -> RegionReport.publicView(r, now)).toList(), now);
  }

  Dashboard dashboard() {
    Instant now = clock.instant();
    List<Region> all = regions.loadAll();
    List<VantageReport> reports = vantages.loadAll();
    return new Dashboard(
        all.stream().map(r -> RegionReport.adminView(r, now)).toList(),
        regions.recentEvents(DASHBOARD_EVENTS),
        failover.running(),
        all.stream().map(r -> agreement(r.id(), reports, now)).toList());
  }

  private VantageAgreement agreement(String region, List<VantageReport> reports, Instant now) {
    HealthQuorum.Verdict verdict = quorum.decide(region, reports, now);
    List<Seen> seen = new ArrayList<>();
    for (HealthQuorum.Vote vote : verdict.votes()) {
      Instant at =
          reports.stream()
              .filter(r -> r.vantage().equals(vote.vantage()))
              .map(VantageReport::at)
              .findFirst()
              .orElse(null);
      seen.add(new Seen(vote.vantage(), vote.status().wire(), vote.live(), vote.partitioned(), at));
    }
    return new VantageAgreement(
        region,
        verdict.status() == null ? null : verdict.status().wire(),
        verdict.live(),
        verdict.agreeing(),
        seen);
  }
}

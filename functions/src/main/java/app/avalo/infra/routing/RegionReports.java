package app.avalo.infra.routing;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * How the regions are reported: publicly ({@code getRegionStatuses}, from the in-process view, no
 * Firestore read) and to admins (the dashboard section: the stored regions, the last events and the
 * running failovers, three reads).
 */
final class RegionReports {
  static final int DASHBOARD_EVENTS = 10;

  /** The answer to {@code getRegionStatuses}. */
  record Statuses(List<RegionReport> regions, Instant at) {}

  /** The routing section of {@code getDashboardData}. */
  record Dashboard(
      List<RegionReport> regions,
      List<RegionEvent> recentEvents,
      List<FailoverOperation> runningFailovers) {}

  private final RegionStore regions;
  private final RegionView view;
  private final FailoverMigrator failover;
  private final Clock clock;

  RegionReports(RegionStore regions, RegionView view, FailoverMigrator failover, Clock clock) {
    this.regions = regions;
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
    return new Dashboard(
        regions.loadAll().stream().map(r -> RegionReport.adminView(r, now)).toList(),
        regions.recentEvents(DASHBOARD_EVENTS),
        failover.running());
  }
}

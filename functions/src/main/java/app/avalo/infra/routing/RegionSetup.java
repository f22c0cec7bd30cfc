package app.avalo.infra.routing;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code initializeRegions}: writes the configured region definitions with the admin's settings
 * ({@link RegionStore#initialize}), refreshes the in-process view so routing sees them at once, and
 * reports every region as it now stands.
 */
final class RegionSetup {
  /** The answer: each region after the call, in routing's order (primary first). */
  record Result(List<Row> regions) {}

  /**
   * One region after the call.
   *
   * @param outcome {@code created}, {@code updated} or {@code unchanged}
   */
  record Row(
      String id,
      String outcome,
      String endpoint,
      String healthUrl,
      int priority,
      int capacityWeight,
      String status) {}

  private final RegionStore regions;
  private final RegionView view;
  private final RoutingConfig config;
  private final Clock clock;

  RegionSetup(RegionStore regions, RegionView view, RoutingConfig config, Clock clock) {
    this.regions = regions;
    this.view = view;
    this.config = config;
    this.clock = clock;
  }

  Result initialize(InitializeRequest request) {
    Instant now = clock.instant();
    Map<String, RegionStore.Outcome> outcome =
        regions.initialize(config.regions(), request.settings(), now);
    view.refreshNow();
    return new Result(
        regions.loadAll().stream()
            .map(
                r ->
                    new Row(
                        r.id(),
                        outcome.getOrDefault(r.id(), RegionStore.Outcome.UNCHANGED).wire(),
                        r.definition().endpoint(),
                        r.definition().healthUrl(),
                        r.definition().priority(),
                        r.definition().capacityWeight(),
                        r.status(now).wire()))
            .toList());
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.ConfigReader;

/**
 * The routing domain's services, built once per instance from the {@link App}: configuration
 * (validated at first use, every problem reported at once), the stores, the in-process region view
 * (its polling thread starts on the first routing request), the health checker and the failover
 * migrator.
 */
public final class RoutingModule {
  private final App app;
  private final RoutingConfig config;
  private final CountryCentroids countries;
  private final RegionStore regions;
  private final UserPins pins;
  private final RegionView view;
  private final RegionRouter router;
  private final RegionHealthRun healthRun;
  private final FailoverMigrator failover;
  private final RegionDrains drains;

  RoutingModule(App app, Sleeper sleeper, FailoverMigrator.BatchHook batchHook) {
    this.app = app;
    ConfigReader reader = app.configReader();
    this.config = RoutingConfig.read(reader, app.config().projectId());
    reader.throwIfInvalid();
    this.countries = CountryCentroids.bundled();
    this.regions = new RegionStore(app.firestore());
    this.pins = new UserPins(app.firestore());
    this.view =
        new RegionView(
            regions::loadAll, config.regions(), config.viewRefresh(), config.viewMaxStaleness());
    this.router = new RegionRouter(pins, app.clock(), config.ttlSeconds());
    this.healthRun =
        new RegionHealthRun(
            regions,
            new HealthProber(config.probeConnectTimeout(), config.probeTimeout(), app.clock()),
            HealthPolicy.of(config),
            new RegionAlerts(app.alerts()),
            app.clock(),
            sleeper,
            config);
    this.failover =
        new FailoverMigrator(
            app.firestore(), regions, app.clock(), config.failoverBatchSize(), batchHook);
    this.drains = new RegionDrains(regions, view, failover, config, app.clock());
  }

  /** The instance's module (production wiring: real sleeping, no batch hook). */
  public static RoutingModule of(App app) {
    return app.module(
        RoutingModule.class,
        a -> new RoutingModule(a, Sleeper.REAL, FailoverMigrator.BatchHook.NONE));
  }

  public App app() {
    return app;
  }

  public RoutingConfig config() {
    return config;
  }

  public CountryCentroids countries() {
    return countries;
  }

  public RegionStore regions() {
    return regions;
  }

  public UserPins pins() {
    return pins;
  }

  public RegionView view() {
    return view;
  }

  public RegionRouter router() {
    return router;
  }

  public RegionHealthRun healthRun() {
    return healthRun;
  }

  public FailoverMigrator failover() {
    return failover;
  }

  RegionDrains drains() {
    return drains;
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The routing domain's services, built once per instance by the composition root from the {@link
 * Platform}: configuration (validated at first use, every problem reported at once), the stores,
 * the in-process region view (its polling thread starts on the first routing request), the health
 * checker and the failover migrator.
 */
public final class RoutingModule {
  /**
   * What the routing domain does to the world besides Firestore, replaceable in tests.
   *
   * @param sleeper the waits between a health run's probe rounds (tests move a clock instead)
   * @param batchHook called after each failover batch (tests fail a migration part-way)
   */
  public record Adapters(Sleeper sleeper, FailoverMigrator.BatchHook batchHook) {
    /** Real sleeping, no batch hook. */
    public static Adapters production() {
      return new Adapters(Sleeper.REAL, FailoverMigrator.BatchHook.NONE);
    }
  }

  /** How long one worker turn on a partition runs before it queues its continuation. */
  static final Duration WORKER_BUDGET = Duration.ofMinutes(8);

  private final Platform platform;
  private InProcessFailoverQueue localQueue;
  private final Sleeper sleeper;
  private final RoutingConfig config;
  private final CountryCentroids countries;
  private final RegionStore regions;
  private final UserPins pins;
  private final RegionView view;
  private final RegionRouter router;
  private final VantageStore vantages;
  private final HealthProber prober;
  private final List<RegionHealthRun> healthRuns;
  private final RegionHealthProbe healthProbe;
  private final FailoverMigrator failover;
  private final RegionDrains drains;
  private final RegionSetup setup;
  private final RegionReports reports;

  public RoutingModule(Platform app, Adapters adapters) {
    this.platform = app;
    this.sleeper = adapters.sleeper();
    ConfigReader reader = app.configReader();
    this.config = RoutingConfig.read(reader, app.config().projectId(), app.config().region());
    reader.throwIfInvalid();
    this.countries = CountryCentroids.bundled();
    this.regions = new RegionStore(app.firestore());
    this.pins = new UserPins(app.firestore());
    this.view =
        new RegionView(
            new RegionView.Source() {
              @Override
              public List<Region> load(Duration timeout) throws TimeoutException {
                return regions.loadAll(timeout);
              }

              @Override
              public AutoCloseable listen(
                  Consumer<List<Region>> onSnapshot, Consumer<Throwable> onError) {
                return regions.listenAll(onSnapshot, onError);
              }
            },
            config.regions(),
            config.viewStaleAfter(),
            config.viewThrottleGap());
    this.router =
        new RegionRouter(
            pins,
            new PinCache(config.pinCacheSize(), config.pinCacheTtl()),
            new PinFailback(config.pinFailbackAfter(), config.pinFailbackPerSecond()),
            app.clock(),
            config.ttlSeconds());
    this.vantages = new VantageStore(app.firestore());
    this.prober =
        new HealthProber(config.probeConnectTimeout(), config.probeTimeout(), app.clock());
    this.healthRuns =
        config.checkerVantages().stream().map(v -> healthRun(v, app, adapters.sleeper())).toList();
    this.healthProbe =
        new RegionHealthProbe(
            regions, app.clock(), config.vantage(), config.healthEndpointTimeout());
    this.failover =
        new FailoverMigrator(
            app.firestore(),
            regions,
            pins,
            app.clock(),
            adapters.sleeper(),
            new FailoverMigrator.Settings(
                config.failoverBatchSize(),
                config.failoverPartitions(),
                WriteRamp.of(config.failoverStartRate()),
                WORKER_BUDGET),
            adapters.batchHook(),
            migrator -> {
              InProcessFailoverQueue q =
                  new InProcessFailoverQueue(
                      migrator, app.clock(), config.failoverPartitions(), WORKER_BUDGET);
              this.localQueue = q;
              return q;
            });
    this.drains = new RegionDrains(regions, view, failover, config, app.clock());
    this.setup = new RegionSetup(regions, view, config, app.clock());
    this.reports = new RegionReports(regions, vantages, view, failover, config, app.clock());
  }

  private RegionHealthRun healthRun(String vantage, Platform app, Sleeper sleeper) {
    return new RegionHealthRun(
        vantage,
        regions,
        vantages,
        prober,
        HealthPolicy.of(config),
        new RegionAlerts(app.alerts()),
        app.clock(),
        sleeper,
        config);
  }

  public Platform platform() {
    return platform;
  }

  /** The routing part of the admin dashboard. */
  public DashboardSection dashboardSection() {
    return new RoutingDashboardSection(reports);
  }

  public RoutingConfig config() {
    return config;
  }

  public CountryCentroids countries() {
    return countries;
  }

  /**
   * Every region read from Firestore now, bypassing the in-process view (the benchmarks compare the
   * two).
   */
  public List<Region> loadRegions() {
    return regions.loadAll();
  }

  RegionStore regions() {
    return regions;
  }

  /** Pin documents routing has read on this instance (the benchmark's reads per call). */
  public long pinReads() {
    return pins.reads();
  }

  UserPins pins() {
    return pins;
  }

  public RegionView view() {
    return view;
  }

  public RegionRouter router() {
    return router;
  }

  /** The checker of this instance's own vantage (the first one simulated, locally). */
  public RegionHealthRun healthRun() {
    return healthRuns.get(0);
  }

  /** Every vantage one {@code runHealthChecks} run checks from (one, except when simulated). */
  public List<RegionHealthRun> healthRuns() {
    return healthRuns;
  }

  /** A checker from {@code vantage} on this module's stores (tests run several side by side). */
  RegionHealthRun healthRunFrom(String vantage) {
    return healthRun(vantage, platform, sleeper);
  }

  /** What {@code regionHealth} checks in this instance's region. */
  RegionHealthProbe healthProbe() {
    return healthProbe;
  }

  VantageStore vantages() {
    return vantages;
  }

  /** Stops the view and the local failover workers (tests; otherwise the JVM's life). */
  public void close() {
    view.close();
    if (localQueue != null) {
      localQueue.close();
    }
  }

  public FailoverMigrator failover() {
    return failover;
  }

  RegionDrains drains() {
    return drains;
  }

  RegionSetup setup() {
    return setup;
  }

  RegionReports reports() {
    return reports;
  }
}

package app.avalo.infra;

import app.avalo.infra.alerting.AlertingDashboardSection;
import app.avalo.infra.alerting.AlertingModule;
import app.avalo.infra.cdn.CdnModule;
import app.avalo.infra.cdn.EgressLedger;
import app.avalo.infra.cdn.MediaAllowance;
import app.avalo.infra.cost.CostModule;
import app.avalo.infra.cost.CostService;
import app.avalo.infra.cost.ThrottleGate;
import app.avalo.infra.monitoring.MonitoringModule;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.recovery.RecoveryModule;
import app.avalo.infra.routing.Drain;
import app.avalo.infra.routing.RegionDefinition;
import app.avalo.infra.routing.RegionStatus;
import app.avalo.infra.routing.RoutingModule;
import app.avalo.infra.scaling.RegionRoutes;
import app.avalo.infra.scaling.ScalingModule;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The composition root, the only place that knows every domain: the {@link Platform} and one typed,
 * lazily built module per domain, each with its {@code Adapters} (production defaults unless a test
 * or the dev server passes its own). The wiring between domains lives here and nowhere else: the
 * dashboard's section list, and the CDN's two questions to the cost domain (booking egress,
 * per-user upload quotas), so no domain package imports another.
 *
 * <p>Function classes reach the instance's root only from their public no-arg constructor (the
 * Functions Framework's path), as a supplier resolved on the first request; their package-private
 * constructors take the module they use, which is how tests build them.
 */
public final class Root implements AutoCloseable {
  private static volatile Root installed;

  private final Platform platform;
  private final Lazy<RoutingModule> routing;
  private final Lazy<ScalingModule> scaling;
  private final Lazy<CostModule> cost;
  private final Lazy<CdnModule> cdn;
  private final Lazy<MonitoringModule> monitoring;
  private final Lazy<RecoveryModule> recovery;
  private final Lazy<AlertingModule> alerting;
  private volatile boolean kickOff;

  private Root(Builder b) {
    this.platform = b.platform;
    this.routing = new Lazy<>(() -> new RoutingModule(platform, b.routing));
    this.scaling = new Lazy<>(() -> new ScalingModule(platform, b.scaling, regionRoutes()));
    this.cost = new Lazy<>(() -> new CostModule(platform));
    this.cdn =
        new Lazy<>(
            () ->
                new CdnModule(
                    platform,
                    b.cdn.apply(CdnModule.Adapters.configured(egressLedger(), mediaAllowance()))));
    // Samples may name the region that served them: routing's region ids.
    this.monitoring = new Lazy<>(() -> new MonitoringModule(platform, RegionDefinition.ids()));
    this.recovery = new Lazy<>(() -> new RecoveryModule(platform, b.recovery));
    this.alerting = new Lazy<>(() -> new AlertingModule(platform, b.alerting));
    // Every alert change kicks its delivery (the module is built on the first one).
    platform.alerts().onNotification(this::kickDelivery);
  }

  /** The instance's root: the installed one, else one built from the environment. */
  public static Root get() {
    Root root = installed;
    if (root == null) {
      synchronized (Root.class) {
        if (installed == null) {
          installed = builder(Platform.fromEnvironment(System.getenv())).build();
        }
        root = installed;
      }
    }
    return root;
  }

  /** Replaces the instance's root (the dev server; tests build roots without installing them). */
  public static void install(Root root) {
    installed = Objects.requireNonNull(root);
  }

  /** A root over {@code platform} with every domain's production adapters. */
  public static Builder builder(Platform platform) {
    return new Builder(platform);
  }

  /** A root from the environment, as production builds it. */
  public static Root fromEnvironment(Map<String, String> env) {
    return builder(Platform.fromEnvironment(env)).build();
  }

  public Platform platform() {
    return platform;
  }

  public RoutingModule routing() {
    return routing.get();
  }

  public ScalingModule scaling() {
    return scaling.get();
  }

  public CostModule cost() {
    return cost.get();
  }

  public CdnModule cdn() {
    return cdn.get();
  }

  public MonitoringModule monitoring() {
    return monitoring.get();
  }

  public RecoveryModule recovery() {
    return recovery.get();
  }

  public AlertingModule alerting() {
    return alerting.get();
  }

  /**
   * The sections of {@code getDashboardData}, in display order, one per domain, each under the
   * domain's name. A module is built only when its section is first asked for, inside the
   * dashboard's per-section error handling.
   */
  public List<DashboardSection.Named> dashboardSections() {
    return List.of(
        new DashboardSection.Named("monitoring", () -> monitoring().dashboardSection()),
        new DashboardSection.Named("routing", () -> routing().dashboardSection()),
        new DashboardSection.Named("scaling", () -> scaling().dashboardSection()),
        new DashboardSection.Named("cdn", () -> cdn().dashboardSection()),
        new DashboardSection.Named("cost", () -> cost().dashboardSection()),
        new DashboardSection.Named("recovery", () -> recovery().dashboardSection()),
        new DashboardSection.Named(
            "alerting", () -> AlertingDashboardSection.of(platform(), alerting())));
  }

  /**
   * Scaling follows routing: which Cloud Run regions take traffic, read from the region documents
   * on each evaluation (three documents, fresh rather than the hot path's in-process view).
   */
  private RegionRoutes regionRoutes() {
    return now ->
        routing().loadRegions().stream()
            .map(
                r -> {
                  RegionStatus status = r.status(now);
                  Drain drain = r.activeDrain(now);
                  return new RegionRoutes.Route(
                      r.definition().gcpRegion(),
                      status.usable(),
                      r.definition().capacityWeight(),
                      status.usable() ? null : drain != null ? drain.since() : r.statusChangedAt());
                })
            .toList();
  }

  /**
   * CDN egress is booked in the cost ledger at the hour it was served, against the budget of what
   * it carried: video against {@code video} (the video-bandwidth budget), everything else (images,
   * avatars, voice, or {@code all} when the source cannot tell types apart) as {@code cdn}.
   */
  private EgressLedger egressLedger() {
    return (assetType, bytes, region, at, recordId) ->
        cost()
            .ledger()
            .recordBandwidth(
                "video".equals(assetType) ? CostService.VIDEO : CostService.CDN,
                bytes,
                region,
                null,
                recordId,
                at);
  }

  /** Upload quotas are the cost domain's throttle gate for the budget's service. */
  private MediaAllowance mediaAllowance() {
    return (budget, uid) -> {
      CostService service =
          switch (budget) {
            case VIDEO -> CostService.VIDEO;
            case MEDIA -> CostService.CDN;
          };
      ThrottleGate.Verdict v = cost().throttles().check(service, uid);
      return new MediaAllowance.Verdict(v.allowed(), v.reason(), v.retryAfterMs());
    };
  }

  /**
   * Delivers an alert change right away where this runtime can. Only the alerting runtime holds the
   * receivers' secrets, so elsewhere the module's configuration is incomplete: then the kick is off
   * for this instance (said once) and {@code notifyAlerts}, which fails loudly on bad
   * configuration, delivers within a minute.
   */
  private void kickDelivery(String notificationId) {
    if (kickOff) {
      return;
    }
    AlertingModule module;
    try {
      module = alerting();
    } catch (IllegalStateException e) {
      kickOff = true;
      Log.info(
          "alert delivery is not configured in this runtime; notifyAlerts delivers",
          Map.of("reason", String.valueOf(e.getMessage())));
      return;
    }
    module.kick(notificationId);
  }

  /** Stops what the modules built so far started (the routing view's refresh thread). */
  @Override
  public void close() {
    routing.ifBuilt(RoutingModule::close);
  }

  /** A value built on first use, once; {@link #ifBuilt} does not build it. */
  private static final class Lazy<T> {
    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
      this.factory = factory;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          if (value == null) {
            value = Objects.requireNonNull(factory.get());
          }
          v = value;
        }
      }
      return v;
    }

    void ifBuilt(Consumer<T> action) {
      T v = value;
      if (v != null) {
        action.accept(v);
      }
    }
  }

  /** Builds a {@link Root}; every domain's adapters default to production. */
  public static final class Builder {
    private final Platform platform;
    private RoutingModule.Adapters routing = RoutingModule.Adapters.production();
    private ScalingModule.Adapters scaling = ScalingModule.Adapters.production();
    private RecoveryModule.Adapters recovery = RecoveryModule.Adapters.production();
    private AlertingModule.Adapters alerting;
    private UnaryOperator<CdnModule.Adapters> cdn = UnaryOperator.identity();

    private Builder(Platform platform) {
      this.platform = Objects.requireNonNull(platform);
    }

    public Builder routing(RoutingModule.Adapters adapters) {
      this.routing = Objects.requireNonNull(adapters);
      return this;
    }

    public Builder scaling(ScalingModule.Adapters adapters) {
      this.scaling = Objects.requireNonNull(adapters);
      return this;
    }

    public Builder recovery(RecoveryModule.Adapters adapters) {
      this.recovery = Objects.requireNonNull(adapters);
      return this;
    }

    /**
     * Changes the CDN's adapters; {@code change} receives the configured ones with the root's
     * answers from the cost domain, e.g. {@code a -> a.withPurger(recording)}.
     */
    public Builder cdn(UnaryOperator<CdnModule.Adapters> change) {
      this.cdn = Objects.requireNonNull(change);
      return this;
    }

    public Builder alerting(AlertingModule.Adapters adapters) {
      this.alerting = Objects.requireNonNull(adapters);
      return this;
    }

    public Root build() {
      if (alerting == null) {
        alerting = AlertingModule.Adapters.production();
      }
      return new Root(this);
    }
  }
}

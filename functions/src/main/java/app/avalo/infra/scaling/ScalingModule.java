package app.avalo.infra.scaling;

import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.MonitoringClients;
import app.avalo.infra.platform.Platform;
import com.google.common.base.Suppliers;
import java.time.Duration;
import java.util.function.Function;

/**
 * The scaling domain's composition root: reads and validates {@link ScalingConfig} at cold start
 * and builds the stores, controller, actuator and services once per instance.
 */
public final class ScalingModule {
  private final ScalingConfig config;
  private final ScalingStore store;
  private final ServiceMetricsStore metrics;
  private final ScalingController controller;
  private final Actuator actuator;
  private final MetricsSource metricsSource;
  private final ScalingEvaluator evaluator;
  private final BurstProtection bursts;
  private final ViralTrafficDetector viral;
  private final ScalingStatusView status;
  private final ScalingHistory history;
  private final ManualScaling manual;
  private final ScheduledScaling scheduled;
  private final MetricsIntake intake;

  /**
   * What the scaling domain does to the world besides Firestore.
   *
   * @param actuator builds the actuator from the configuration (production: dry-run or Cloud Run,
   *     as {@code SCALING_ACTUATOR} says; tests: a recording one)
   * @param metrics builds the metrics source (production: reported-only or Cloud Monitoring, as
   *     {@code SCALING_METRICS_SOURCE} says; tests: Monitoring against a loopback fake)
   */
  public record Adapters(
      Function<ScalingConfig, Actuator> actuator, Function<ScalingConfig, MetricsSource> metrics) {
    /** This actuator, the production metrics source. */
    public Adapters(Function<ScalingConfig, Actuator> actuator) {
      this(actuator, ScalingModule::productionMetrics);
    }

    public static Adapters production() {
      return new Adapters(ScalingModule::productionActuator, ScalingModule::productionMetrics);
    }
  }

  private final Platform platform;

  /** A module without routing information (every region taken as routable). */
  public ScalingModule(Platform app, Adapters adapters) {
    this(app, adapters, RegionRoutes.NONE);
  }

  /**
   * @param routes which regions routing sends traffic to (the composition root asks routing)
   */
  public ScalingModule(Platform app, Adapters adapters, RegionRoutes routes) {
    this.platform = app;
    ConfigReader reader = app.configReader();
    this.config = ScalingConfig.read(reader, app.config());
    reader.throwIfInvalid();
    Duration hourRetention = Duration.ofDays(7L * (config.viral().baselineWeeks() + 1));
    this.store = new ScalingStore(app.firestore(), config.eventRetention());
    this.metrics = new ServiceMetricsStore(app.firestore(), hourRetention);
    this.controller =
        new ScalingController(
            config.tolerance(), config.metricsStaleAfter(), config.burstMaxInstances());
    this.actuator = adapters.actuator().apply(config);
    ScalingAlerts alerts = new ScalingAlerts(app.alerts());
    this.metricsSource = adapters.metrics().apply(config);
    this.evaluator =
        new ScalingEvaluator(
            store,
            metrics,
            controller,
            actuator,
            config.serviceMap(),
            alerts,
            config,
            metricsSource,
            routes);
    this.bursts = new BurstProtection(store);
    this.viral = new ViralTrafficDetector(metrics, store, bursts, alerts, config.viral());
    this.status =
        new ScalingStatusView(store, metrics, controller, config, actuator.mode(), app.clock());
    this.history = new ScalingHistory(store);
    this.manual = new ManualScaling(store, bursts, evaluator, app.clock());
    this.scheduled = new ScheduledScaling(store, evaluator, viral, config, app.clock());
    this.intake = new MetricsIntake(metrics);
  }

  private static Actuator productionActuator(ScalingConfig config) {
    return switch (config.actuator()) {
      case DRY_RUN -> new DryRunActuator();
      case CLOUD_RUN ->
          new CloudRunActuator(
              new ServicesClientGateway(), config.cloudRunProject(), config.actuationTimeout());
    };
  }

  private static MetricsSource productionMetrics(ScalingConfig config) {
    return switch (config.metricsSource()) {
      case REPORTED -> MetricsSource.REPORTED_ONLY;
      case CLOUD_MONITORING ->
          new CloudMonitoringMetrics(
              config.cloudRunProject(),
              config.serviceMap(),
              Suppliers.memoize(() -> MonitoringClients.create(null)));
    };
  }

  /** The scaling part of the admin dashboard. */
  public DashboardSection dashboardSection() {
    return new ScalingDashboardSection(platform, this);
  }

  public ScalingConfig config() {
    return config;
  }

  /** What {@code getScalingStatus} and the dashboard section show. */
  ScalingStatusView status() {
    return status;
  }

  // ---- the services the functions call ----

  ScalingEvaluator evaluator() {
    return evaluator;
  }

  ManualScaling manual() {
    return manual;
  }

  ScheduledScaling scheduled() {
    return scheduled;
  }

  MetricsIntake intake() {
    return intake;
  }

  ScalingHistory history() {
    return history;
  }

  // ---- for tests in this package ----

  ScalingStore store() {
    return store;
  }

  ServiceMetricsStore metrics() {
    return metrics;
  }

  BurstProtection bursts() {
    return bursts;
  }

  ViralTrafficDetector viral() {
    return viral;
  }
}

package app.avalo.infra.scaling;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.ConfigReader;
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
  private final ScalingEvaluator evaluator;
  private final BurstProtection bursts;
  private final ViralTrafficDetector viral;
  private final ScalingStatusView status;
  private final ScalingHistory history;
  private final ManualScaling manual;

  public static ScalingModule of(App app) {
    return app.module(
        ScalingModule.class, a -> new ScalingModule(a, ScalingModule::productionActuator));
  }

  /** Installs the module with a chosen actuator (tests); must run before the first {@link #of}. */
  public static ScalingModule withActuator(App app, Function<ScalingConfig, Actuator> actuator) {
    return app.module(ScalingModule.class, a -> new ScalingModule(a, actuator));
  }

  private ScalingModule(App app, Function<ScalingConfig, Actuator> actuatorFactory) {
    ConfigReader reader = app.configReader();
    this.config = ScalingConfig.read(reader, app.config());
    reader.throwIfInvalid();
    Duration hourRetention = Duration.ofDays(7L * (config.viral().baselineWeeks() + 1));
    this.store = new ScalingStore(app.firestore(), config.eventRetention());
    this.metrics = new ServiceMetricsStore(app.firestore(), hourRetention);
    this.controller =
        new ScalingController(
            config.tolerance(), config.metricsStaleAfter(), config.burstMaxInstances());
    this.actuator = actuatorFactory.apply(config);
    this.evaluator =
        new ScalingEvaluator(
            store, metrics, controller, actuator, config.serviceMap(), app.alerts(), config);
    this.bursts = new BurstProtection(store);
    this.viral = new ViralTrafficDetector(metrics, store, bursts, app.alerts(), config.viral());
    this.status = new ScalingStatusView(store, metrics, controller, config, actuator.mode());
    this.history = new ScalingHistory(store);
    this.manual = new ManualScaling(store, evaluator, app.clock());
  }

  private static Actuator productionActuator(ScalingConfig config) {
    return switch (config.actuator()) {
      case DRY_RUN -> new DryRunActuator();
      case CLOUD_RUN ->
          new CloudRunActuator(
              new ServicesClientGateway(), config.cloudRunProject(), config.actuationTimeout());
    };
  }

  public ScalingConfig config() {
    return config;
  }

  public ScalingStore store() {
    return store;
  }

  public ServiceMetricsStore metrics() {
    return metrics;
  }

  public ScalingEvaluator evaluator() {
    return evaluator;
  }

  public BurstProtection bursts() {
    return bursts;
  }

  public ViralTrafficDetector viral() {
    return viral;
  }

  public ScalingStatusView status() {
    return status;
  }

  ManualScaling manual() {
    return manual;
  }

  public ScalingHistory history() {
    return history;
  }
}

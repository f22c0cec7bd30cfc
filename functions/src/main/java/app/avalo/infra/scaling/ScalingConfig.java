package app.avalo.infra.scaling;

import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.ConfigReader;
import java.time.Duration;

/**
 * The scaling domain's configuration, read once at cold start from the environment. Every variable
 * is optional; see {@code docs/scaling.md} for the table.
 */
public record ScalingConfig(
    ActuatorMode actuator,
    MetricsMode metricsSource,
    Duration prewarmWindow,
    ServiceMap serviceMap,
    String cloudRunProject,
    int burstMaxInstances,
    Duration metricsStaleAfter,
    int stabilizationSeconds,
    double tolerance,
    Duration reconcileEvery,
    Duration actuationTimeout,
    Duration eventRetention,
    Viral viral) {

  /** How decisions reach the services. */
  public enum ActuatorMode {
    /** Record what would be set; change nothing (default off Cloud Functions). */
    DRY_RUN,
    /** Set min/max instance counts through the Cloud Run Admin API (default on Cloud Functions). */
    CLOUD_RUN
  }

  /** Where metrics come from besides the services' own {@code updateMetrics} reports. */
  public enum MetricsMode {
    /** Only {@code updateMetrics} (default off Cloud Functions). */
    REPORTED,
    /** Cloud Run's built-in metrics from Cloud Monitoring (default on Cloud Functions). */
    CLOUD_MONITORING
  }

  /** detectViralTraffic's thresholds. */
  public record Viral(
      int factor,
      int normalFactor,
      int sustainMinutes,
      Duration normalFor,
      Duration burstDuration,
      double minRps,
      int baselineWeeks) {}

  public static ScalingConfig read(ConfigReader reader, AppConfig platform) {
    ActuatorMode actuator =
        reader.enumValue(
            "SCALING_ACTUATOR",
            ActuatorMode.class,
            platform.onCloudFunctions() ? ActuatorMode.CLOUD_RUN : ActuatorMode.DRY_RUN);
    MetricsMode metrics =
        reader.enumValue(
            "SCALING_METRICS_SOURCE",
            MetricsMode.class,
            platform.onCloudFunctions() ? MetricsMode.CLOUD_MONITORING : MetricsMode.REPORTED);
    String region = reader.optional("SCALING_CLOUD_RUN_REGION", platform.region());
    ServiceMap map =
        ServiceMap.parse(
            reader.optional("SCALING_SERVICE_MAP", ServiceMap.defaultSpec()),
            region,
            reader::problem);
    String project = reader.optional("SCALING_CLOUD_RUN_PROJECT", platform.projectId());
    int viralFactor = reader.intValue("SCALING_VIRAL_FACTOR", 5, 2, 100);
    int normalFactor = reader.intValue("SCALING_VIRAL_NORMAL_FACTOR", 2, 1, 100);
    if (normalFactor >= viralFactor) {
      reader.problem(
          "SCALING_VIRAL_NORMAL_FACTOR ("
              + normalFactor
              + ") must be below SCALING_VIRAL_FACTOR ("
              + viralFactor
              + ")");
    }
    Viral viral =
        new Viral(
            viralFactor,
            normalFactor,
            reader.intValue("SCALING_VIRAL_SUSTAIN_MINUTES", 3, 1, 30),
            Duration.ofMinutes(reader.intValue("SCALING_VIRAL_NORMAL_MINUTES", 30, 5, 1440)),
            Duration.ofMinutes(reader.intValue("SCALING_VIRAL_BURST_MINUTES", 120, 10, 10080)),
            reader.intValue("SCALING_VIRAL_MIN_RPS", 20, 0, 1_000_000),
            reader.intValue("SCALING_BASELINE_WEEKS", 4, 2, 8));
    return new ScalingConfig(
        actuator,
        metrics,
        Duration.ofMinutes(reader.intValue("SCALING_PREWARM_MINUTES", 15, 0, 240)),
        map,
        project,
        reader.intValue("SCALING_BURST_MAX_INSTANCES", 1000, 1, ScalingRule.INSTANCE_LIMIT),
        // Monitoring shows a minute 1-3 min after it ends: its newest minute is older
        Duration.ofSeconds(
            reader.intValue(
                "SCALING_METRICS_STALE_SECONDS",
                metrics == MetricsMode.CLOUD_MONITORING ? 300 : 180,
                30,
                3600)),
        reader.intValue("SCALING_STABILIZATION_SECONDS", 300, 60, 3600),
        reader.intValue("SCALING_TOLERANCE_PERCENT", 10, 0, 50) / 100.0,
        Duration.ofSeconds(reader.intValue("SCALING_RECONCILE_SECONDS", 600, 60, 86_400)),
        Duration.ofSeconds(reader.intValue("SCALING_ACTUATION_TIMEOUT_SECONDS", 20, 1, 120)),
        Duration.ofDays(reader.intValue("SCALING_EVENT_RETENTION_DAYS", 30, 1, 3650)),
        viral);
  }
}

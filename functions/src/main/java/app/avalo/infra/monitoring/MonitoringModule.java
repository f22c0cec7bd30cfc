package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.MonitoringClients;
import app.avalo.infra.platform.Platform;
import com.google.common.base.Suppliers;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The monitoring domain's composition: configuration read and validated once per instance, and the
 * services the function classes delegate to.
 */
public final class MonitoringModule {
  private final MonitoringConfig config;
  private final SampleReader sampleReader;
  private final SampleIngestor ingestor;
  private final MetricCompactor compactor;
  private final HealthCheck healthCheck;
  private final HealthStore healthStore;
  private final MetricsHistory history;
  private final MetricsRetention retention;
  private final AlertBoard alertBoard;
  private final MetricExporter exporter;

  private final Platform platform;

  /**
   * What the monitoring domain does to the world besides Firestore.
   *
   * @param sink builds the Cloud Monitoring export's sink from its configuration (production: off
   *     or Cloud Monitoring, as {@code MONITORING_EXPORT_SINK} says; tests: one on a loopback fake)
   */
  public record Adapters(Function<ExportConfig, MetricSink> sink) {
    public static Adapters production() {
      return new Adapters(MonitoringModule::productionSink);
    }
  }

  /** The module with its production adapters. */
  public MonitoringModule(Platform app, List<String> regions) {
    this(app, regions, Adapters.production());
  }

  /**
   * {@code regions} are the region ids samples may name (routing's, passed in by the composition
   * root): upper-case letters and digits, as they become counter field names.
   */
  public MonitoringModule(Platform app, List<String> regions, Adapters adapters) {
    this.platform = app;
    this.config = MonitoringConfig.read(app.configReader());
    for (String region : regions) {
      if (!region.matches("[A-Z][A-Z0-9]{0,15}")) {
        throw new IllegalStateException(
            "region id " + region + " cannot name a counter field (A-Z, 0-9, at most 16)");
      }
    }
    ConfigReader exportReader = app.configReader();
    ExportConfig exportConfig = ExportConfig.read(exportReader, app.config());
    exportReader.throwIfInvalid();
    MetricStore metrics = new MetricStore(app.firestore(), config);
    MetricReader reader = new MetricReader(metrics);
    ThresholdStore thresholds = new ThresholdStore(app.firestore(), app.clock(), config);
    this.sampleReader = new SampleReader(config.maxSampleAge(), regions);
    this.ingestor = new SampleIngestor(metrics, thresholds);
    this.compactor = new MetricCompactor(metrics, config, app.clock());
    this.healthStore = new HealthStore(app.firestore());
    this.healthCheck =
        new HealthCheck(
            new ThresholdEvaluator(
                reader,
                thresholds,
                healthStore,
                new MonitoringAlerts(app.alerts(), config.window()),
                regions,
                config,
                app.clock()),
            compactor,
            app.clock());
    this.history = new MetricsHistory(reader, thresholds, config, app.clock());
    this.retention = new MetricsRetention(metrics, config, app.clock());
    this.alertBoard = new AlertBoard(app.firestore());
    this.exporter =
        new MetricExporter(
            metrics,
            reader,
            new ExportStore(app.firestore()),
            adapters.sink().apply(exportConfig),
            app.alerts(),
            exportConfig,
            app.clock());
  }

  private static MetricSink productionSink(ExportConfig config) {
    return switch (config.mode()) {
      case OFF -> MetricSink.OFF;
      case CLOUD_MONITORING ->
          new CloudMonitoringSink(
              config.project(),
              Suppliers.memoize(() -> MonitoringClients.create(config.endpoint())));
    };
  }

  /** The health and alerts part of the admin dashboard. */
  public DashboardSection dashboardSection() {
    return new MonitoringDashboardSection(platform, this);
  }

  /**
   * A track call: validates every sample first (one bad sample refuses the request, nothing
   * written), then folds them into minute buckets.
   */
  SampleIngestor.Recorded track(MonitoredService service, Fields data, Instant now) {
    return ingestor.record(service, sampleReader.read(data, service, now));
  }

  MonitoringConfig config() {
    return config;
  }

  SampleReader sampleReader() {
    return sampleReader;
  }

  SampleIngestor ingestor() {
    return ingestor;
  }

  MetricCompactor compactor() {
    return compactor;
  }

  HealthCheck healthCheck() {
    return healthCheck;
  }

  /** The latest health summary as the admin API shows it. */
  SystemHealth systemHealth(Instant now) {
    return SystemHealth.current(healthStore, now);
  }

  MetricsHistory history() {
    return history;
  }

  MetricsRetention retention() {
    return retention;
  }

  AlertBoard alertBoard() {
    return alertBoard;
  }

  MetricExporter exporter() {
    return exporter;
  }
}

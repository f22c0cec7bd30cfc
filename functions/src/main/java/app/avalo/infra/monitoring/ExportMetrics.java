package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code exportMetrics} (Cloud Scheduler, every minute): exports every sealed minute bucket to
 * Cloud Monitoring as custom metrics ({@code custom.googleapis.com/avalo/...}: the histogram as a
 * distribution, sample and error counts and the error rate as gauges), each exactly once, oldest
 * first, at most {@code MONITORING_EXPORT_MAX_MINUTES} per run ({@link MetricExporter}). A failed
 * call is retried by the next run; a permission or configuration problem raises {@code monitoring /
 * export:failing}. Off outside Cloud Functions unless configured ({@link ExportConfig}).
 */
public final class ExportMetrics extends ScheduledJob {
  private final Supplier<MonitoringModule> monitoring;

  public ExportMetrics() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  ExportMetrics(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    return monitoring.get().exporter().run(context).result();
  }
}

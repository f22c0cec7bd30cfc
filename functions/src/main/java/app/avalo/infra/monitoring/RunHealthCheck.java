package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code runHealthCheck} (Cloud Scheduler, every minute): evaluates the last window of every
 * service against the thresholds, raising, refreshing and auto-resolving alerts ({@link
 * ThresholdEvaluator}) and writing the health summary; then seals final minutes and rolls completed
 * hours up ({@link MetricCompactor}). Runs once per scheduled minute under the job lease; a
 * re-delivery of the same minute changes nothing.
 */
public final class RunHealthCheck extends ScheduledJob {
  private final Supplier<MonitoringModule> monitoring;

  public RunHealthCheck() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  RunHealthCheck(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    return monitoring.get().healthCheck().run(context).result();
  }
}

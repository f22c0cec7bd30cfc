package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code cleanupOldMetrics} (Cloud Scheduler, daily 03:30 UTC): deletes minute buckets past their
 * retention (default 30 days) with their shard documents, and hourly rollups past theirs (default
 * 400 days), in bounded batches until done or near the deadline ({@link MetricsRetention}).
 * Idempotent; an unfinished run reports {@code complete: false} and the next one continues.
 */
public final class CleanupOldMetrics extends ScheduledJob {
  private final Supplier<MonitoringModule> monitoring;

  public CleanupOldMetrics() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  CleanupOldMetrics(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    return monitoring.get().retention().run(context).result();
  }
}

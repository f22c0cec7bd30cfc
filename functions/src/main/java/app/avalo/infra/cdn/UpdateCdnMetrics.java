package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code updateCdnMetrics} (Cloud Scheduler, every 5 minutes): aggregates the asset registry and
 * the window's egress and cache hits into {@code cdnMetrics}; fails stuck processing jobs. Once per
 * scheduled time (JobRunner); a rerun of a window rewrites the same snapshot.
 */
public final class UpdateCdnMetrics extends ScheduledJob {
  private final Supplier<CdnModule> cdn;

  public UpdateCdnMetrics() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  UpdateCdnMetrics(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected JobRunner.Result run(JobContext context) throws Exception {
    return JobRunner.Result.of(cdn.get().metrics().update(context.scheduledFor()));
  }
}

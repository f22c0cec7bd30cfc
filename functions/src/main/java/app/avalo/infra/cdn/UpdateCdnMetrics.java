package app.avalo.infra.cdn;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code updateCdnMetrics} (Cloud Scheduler, every 5 minutes): aggregates the asset registry and
 * the window's egress and cache hits into {@code cdnMetrics}; fails stuck processing jobs. Once per
 * scheduled time (JobRunner); a rerun of a window rewrites the same snapshot.
 */
public final class UpdateCdnMetrics extends ScheduledJob {
  public UpdateCdnMetrics() {
    super();
  }

  UpdateCdnMetrics(Supplier<App> app) {
    super(app);
  }

  @Override
  protected JobRunner.Result run(JobContext context) throws Exception {
    return JobRunner.Result.of(CdnModule.of(app()).metrics().update(context.scheduledFor()));
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code monitorBandwidth} (Cloud Scheduler, hourly): the previous hour's egress by asset type and
 * region into {@code cdnBandwidth}, cost records to the bandwidth cost sink, spike alerts (source
 * {@code cdn}). Idempotent per hour: records are keyed by hour, region and type.
 */
public final class MonitorBandwidth extends ScheduledJob {
  public MonitorBandwidth() {
    super();
  }

  MonitorBandwidth(Supplier<App> app) {
    super(app);
  }

  @Override
  protected JobRunner.Result run(JobContext context) throws Exception {
    return JobRunner.Result.of(CdnModule.of(app()).bandwidth().run(context.scheduledFor()));
  }
}

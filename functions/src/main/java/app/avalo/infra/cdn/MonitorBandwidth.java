package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code monitorBandwidth} (Cloud Scheduler, hourly): the previous hour's egress by asset type and
 * region into {@code cdnBandwidth}, cost records to the bandwidth cost sink, spike alerts (source
 * {@code cdn}). Idempotent per hour: records are keyed by hour, region and type.
 */
public final class MonitorBandwidth extends ScheduledJob {
  private final Supplier<CdnModule> cdn;

  public MonitorBandwidth() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  MonitorBandwidth(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected JobRunner.Result run(JobContext context) throws Exception {
    return JobRunner.Result.of(cdn.get().bandwidth().run(context.scheduledFor()));
  }
}

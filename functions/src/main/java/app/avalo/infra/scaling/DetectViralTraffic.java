package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code detectViralTraffic} (Cloud Scheduler, every 5 minutes): compares each service's sustained
 * request rate with its baseline ({@link ViralTrafficDetector}); turns viral burst protection on,
 * extends it, or turns it off after traffic has been normal long enough. A service whose burst
 * changed is re-evaluated at once, so the raised (or restored) max reaches Cloud Run without
 * waiting for the next minute.
 */
public final class DetectViralTraffic extends ScheduledJob {
  private final Supplier<ScalingModule> scaling;

  public DetectViralTraffic() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  DetectViralTraffic(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    return JobRunner.Result.of(scaling.get().scheduled().detectViralTraffic(context).summary());
  }
}

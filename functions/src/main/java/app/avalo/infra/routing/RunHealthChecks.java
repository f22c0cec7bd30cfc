package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code runHealthChecks} (Cloud Scheduler, every minute): probes every region 6 times, 10 s apart,
 * within one run, and moves region status through the hysteresis (see {@link RegionHealthRun} and
 * {@link HealthPolicy}). One run at a time; a re-delivered schedule time does nothing.
 */
public final class RunHealthChecks extends ScheduledJob {
  private final Supplier<RoutingModule> routing;

  public RunHealthChecks() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  RunHealthChecks(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected JobRunner.Result run(JobContext context) throws Exception {
    return JobRunner.Result.of(
        routing.get().healthRun().run(context.deadline(), context::progress).toDoc());
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code detectFraudAbuse} (Cloud Scheduler, every 15 minutes): flags users whose recent cost is
 * anomalous against the population (median + k·MAD with an absolute floor and ceiling, see {@link
 * RobustThreshold}), throttles them with an expiry and raises an alert. Re-runs for the same
 * scheduled time are no-ops; re-detection the same day refreshes the flag and extends the throttle
 * without a second alert.
 */
public final class DetectFraudAbuse extends ScheduledJob {
  private final Supplier<CostModule> cost;

  public DetectFraudAbuse() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  DetectFraudAbuse(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    return cost.get().fraud().run(context).result();
  }
}

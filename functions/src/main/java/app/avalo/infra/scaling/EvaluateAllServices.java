package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code evaluateAllServices} (Cloud Scheduler, every minute): seeds missing rules, then evaluates
 * every logical service and applies the decisions through the configured actuator. Each decision is
 * recorded in {@code scalingEvents} under {@code {service}@{scheduledTime}}, so a redelivered or
 * retried run never decides twice for a service; a service whose evaluation fails fails the run
 * (Cloud Scheduler retries it) after the others were still evaluated.
 */
public final class EvaluateAllServices extends ScheduledJob {
  private final Supplier<ScalingModule> scaling;

  public EvaluateAllServices() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  EvaluateAllServices(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    return JobRunner.Result.of(scaling.get().scheduled().evaluateAll(context).summary());
  }
}

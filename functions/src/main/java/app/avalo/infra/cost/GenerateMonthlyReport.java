package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code generateMonthlyReport} (Cloud Scheduler, monthly at {@code 5 0 1 * *} UTC): reports the
 * month before the scheduled time (see {@link MonthlyReporter}). Idempotent: a re-delivery is a
 * no-op (job runner) and a manual re-run for the same month rewrites identical content. To
 * regenerate a month by hand, POST {@code {"scheduledFor": "<any time in the following month>"}}.
 */
public final class GenerateMonthlyReport extends ScheduledJob {
  private final Supplier<CostModule> cost;

  public GenerateMonthlyReport() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  GenerateMonthlyReport(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    return cost.get().reports().run(context).result();
  }
}

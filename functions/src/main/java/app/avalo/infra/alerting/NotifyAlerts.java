package app.avalo.infra.alerting;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code notifyAlerts} (Cloud Scheduler, every minute): delivers the alert outbox to PagerDuty,
 * Slack, email, SMS and the webhook, with retries and dead-lettering (see {@link Notifier}), then
 * pings the watchdog heartbeat. One run at a time; a notification is never delivered by two runs at
 * once.
 */
public final class NotifyAlerts extends ScheduledJob {
  private final Supplier<AlertingModule> alerting;

  public NotifyAlerts() {
    super(() -> Root.get().platform());
    this.alerting = () -> Root.get().alerting();
  }

  NotifyAlerts(Platform platform, AlertingModule alerting) {
    super(platform);
    this.alerting = () -> alerting;
  }

  /** The run's summary: what was delivered, and the watchdog's ping. */
  record Run(Notifier.Summary notifier, Watchdog.Ping watchdog) {}

  @Override
  protected JobRunner.Result run(JobContext context) {
    AlertingModule module = alerting.get();
    Notifier.Summary summary = module.notifier().run(context.deadline());
    return JobRunner.Result.of(new Run(summary, module.watchdog().ping(summary)));
  }
}

package app.avalo.infra.recovery;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/**
 * {@code monitorBackupHealth} (Cloud Scheduler, every 6 hours, <code>0 *&#47;6 * * *</code>):
 * checks each tier's newest backup for freshness, intact shards (every one re-hashed) and plausible
 * counts; raises and resolves alerts and writes {@code backupHealth/latest}. See {@link
 * BackupHealthMonitor}. Once per scheduled time.
 */
public final class MonitorBackupHealth extends ScheduledJob {
  private final Supplier<RecoveryModule> recovery;

  public MonitorBackupHealth() {
    super(() -> Root.get().platform());
    this.recovery = () -> Root.get().recovery();
  }

  MonitorBackupHealth(Platform platform, RecoveryModule recovery) {
    super(platform);
    this.recovery = () -> recovery;
  }

  @Override
  protected JobRunner.Result run(JobContext context) throws Exception {
    return JobRunner.Result.of(recovery.get().health().check(RunControl.of(context)).summary());
  }
}

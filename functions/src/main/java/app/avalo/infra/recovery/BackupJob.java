package app.avalo.infra.recovery;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/** The three backup jobs differ only in their tier. */
abstract class BackupJob extends ScheduledJob {
  private final Supplier<RecoveryModule> recovery;

  BackupJob() {
    super(() -> Root.get().platform());
    this.recovery = () -> Root.get().recovery();
  }

  BackupJob(Platform platform, RecoveryModule recovery) {
    super(platform);
    this.recovery = () -> recovery;
  }

  abstract BackupTier tier();

  @Override
  protected final JobRunner.Result run(JobContext context) throws Exception {
    return JobRunner.Result.of(
        Json.toPlainMap(
            recovery.get().backups().run(tier(), context.scheduledFor(), RunControl.of(context))));
  }
}

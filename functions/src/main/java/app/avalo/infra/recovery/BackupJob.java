package app.avalo.infra.recovery;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.ScheduledJob;
import java.util.function.Supplier;

/** The three backup jobs differ only in their tier. */
abstract class BackupJob extends ScheduledJob {
  BackupJob() {
    super();
  }

  BackupJob(Supplier<App> app) {
    super(app);
  }

  abstract BackupTier tier();

  @Override
  protected final JobRunner.Result run(JobContext context) throws Exception {
    return JobRunner.Result.of(
        RecoveryModule.of(app())
            .backups()
            .run(tier(), context.scheduledFor(), RunControl.of(context)));
  }
}

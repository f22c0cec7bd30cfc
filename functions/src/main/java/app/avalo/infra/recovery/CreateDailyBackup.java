package app.avalo.infra.recovery;

import app.avalo.infra.platform.Platform;

/**
 * {@code createDailyBackup} (Cloud Scheduler, daily at 02:00 UTC, {@code 0 2 * * *}): a full backup
 * of every critical collection to the backup bucket, partitioned by owning entity, manifest written
 * last and verified against the stored objects; then retention (90 daily backups, NEARLINE storage;
 * never the newest verified). Once per scheduled time: a re-delivery after success does nothing, a
 * retry after a failure rewrites the same backup id.
 */
public final class CreateDailyBackup extends BackupJob {
  public CreateDailyBackup() {
    super();
  }

  CreateDailyBackup(Platform platform, RecoveryModule recovery) {
    super(platform, recovery);
  }

  @Override
  BackupTier tier() {
    return BackupTier.DAILY;
  }
}

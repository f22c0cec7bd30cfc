package app.avalo.infra.recovery;

import app.avalo.infra.platform.Platform;

/**
 * {@code createHourlyBackup} (Cloud Scheduler, hourly, {@code 0 * * * *}): a full backup of every
 * critical collection to the backup bucket, partitioned by owning entity, manifest written last and
 * verified against the stored objects; then retention (48 hourly backups, STANDARD storage; never
 * the newest verified). Once per scheduled time: a re-delivery after success does nothing, a retry
 * after a failure rewrites the same backup id.
 */
public final class CreateHourlyBackup extends BackupJob {
  public CreateHourlyBackup() {
    super();
  }

  CreateHourlyBackup(Platform platform, RecoveryModule recovery) {
    super(platform, recovery);
  }

  @Override
  BackupTier tier() {
    return BackupTier.HOURLY;
  }
}

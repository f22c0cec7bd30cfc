package app.avalo.infra.recovery;

import app.avalo.infra.platform.Platform;

/**
 * {@code createColdStorageBackup} (Cloud Scheduler, monthly on the 1st at 03:00 UTC, {@code 0 3 1 *
 * *}): a full backup of every critical collection to the backup bucket, partitioned by owning
 * entity, manifest written last and verified against the stored objects; then retention (365
 * monthly backups, ARCHIVE storage; never the newest verified). Once per scheduled time: a
 * re-delivery after success does nothing, a retry after a failure rewrites the same backup id.
 */
public final class CreateColdStorageBackup extends BackupJob {
  public CreateColdStorageBackup() {
    super();
  }

  CreateColdStorageBackup(Platform platform, RecoveryModule recovery) {
    super(platform, recovery);
  }

  @Override
  BackupTier tier() {
    return BackupTier.COLD;
  }
}

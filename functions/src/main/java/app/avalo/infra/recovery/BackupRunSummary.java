package app.avalo.infra.recovery;

import java.util.List;
import java.util.Map;

/**
 * What a backup job reports (the run record's {@code summary}): the backup it wrote, or the one
 * already verified for its scheduled time, and the backups retention deleted afterwards.
 */
sealed interface BackupRunSummary {
  String backupId();

  boolean alreadyComplete();

  List<String> deleted();

  /**
   * A backup this run wrote and verified.
   *
   * @param collections documents per collection, in backup order
   */
  record Written(
      String backupId,
      String tier,
      String status,
      String snapshotTime,
      String consistency,
      long documents,
      long bytes,
      long shards,
      Map<String, Long> collections,
      long elapsedMs,
      long documentsPerSecond,
      boolean alreadyComplete,
      List<String> deleted)
      implements BackupRunSummary {}

  /** A delivery for a backup that was already verified: it only re-applied retention. */
  record AlreadyComplete(
      String backupId,
      String tier,
      String status,
      String snapshotTime,
      String consistency,
      long documents,
      long bytes,
      long shards,
      boolean alreadyComplete,
      List<String> deleted)
      implements BackupRunSummary {}
}

package app.avalo.infra.recovery;

import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.ConfigReader;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The recovery domain's configuration, read once from the environment.
 *
 * @param bucket Cloud Storage bucket holding backups and recovery archives ({@code BACKUP_BUCKET});
 *     required, except against the Firestore emulator (the local stack, whose storage is in
 *     memory), where it defaults to {@code <project>-backups}
 * @param targetDocsPerShard documents per shard a backup aims for; the partition count of a
 *     collection is its size divided by this, so one entity's shard stays about this size however
 *     large the backup grows ({@code BACKUP_TARGET_DOCS_PER_SHARD})
 * @param maxPartitions cap on shards per collection, bounding open uploads and memory ({@code
 *     BACKUP_MAX_PARTITIONS})
 * @param pageSize documents per Firestore read page; a backup holds two pages at a time (one being
 *     encoded, the next being fetched) ({@code BACKUP_PAGE_SIZE})
 * @param keep backups kept per tier ({@code BACKUP_KEEP_HOURLY|DAILY|COLD})
 * @param maxSnapshotAge how long a backup may read at one read time: Firestore keeps old versions
 *     for one hour (seven days with point-in-time recovery enabled) ({@code
 *     BACKUP_MAX_SNAPSHOT_AGE_SECONDS}); beyond one hour a backup reads at a whole minute
 * @param pitrEnabled whether the database has point-in-time recovery, so {@code recover*} with
 *     {@code asOf} reads Firestore at that time ({@code RECOVERY_PITR_ENABLED}, default true);
 *     false: {@code asOf} always uses the newest verified backup at or before it
 * @param pitrWindow how far back point-in-time reads go ({@code RECOVERY_PITR_WINDOW_SECONDS},
 *     default and most 7 days, Firestore's PITR retention); older {@code asOf} uses the backups
 */
public record RecoveryConfig(
    String bucket,
    int targetDocsPerShard,
    int maxPartitions,
    int pageSize,
    Map<BackupTier, Integer> keep,
    Duration maxSnapshotAge,
    boolean pitrEnabled,
    Duration pitrWindow) {

  public static RecoveryConfig read(ConfigReader env, AppConfig platform) {
    String bucket =
        platform.firestoreEmulatorHost() != null && !platform.onCloudFunctions()
            ? env.optional("BACKUP_BUCKET", platform.projectId() + "-backups")
            : env.required(
                "BACKUP_BUCKET", "the Cloud Storage bucket for backups and recovery archives");
    if (!bucket.isEmpty() && !bucket.matches("[a-z0-9][a-z0-9._\\-]{1,220}[a-z0-9]")) {
      env.problem(
          "BACKUP_BUCKET must be a bucket name (lower-case letters, digits, '.', '-', '_'), got '"
              + bucket
              + "'");
    }
    Map<BackupTier, Integer> keep = new EnumMap<>(BackupTier.class);
    for (BackupTier tier : BackupTier.values()) {
      keep.put(tier, env.intValue("BACKUP_KEEP_" + tier.name(), tier.defaultKeep(), 1, 100_000));
    }
    return new RecoveryConfig(
        bucket,
        env.intValue("BACKUP_TARGET_DOCS_PER_SHARD", 2000, 10, 1_000_000),
        env.intValue("BACKUP_MAX_PARTITIONS", 256, 1, 4096),
        env.intValue("BACKUP_PAGE_SIZE", 5000, 10, 10_000),
        Map.copyOf(keep),
        Duration.ofSeconds(
            env.longValue("BACKUP_MAX_SNAPSHOT_AGE_SECONDS", 3300, 60, 7 * 24 * 3600)),
        env.bool("RECOVERY_PITR_ENABLED", true),
        Duration.ofSeconds(
            env.longValue(
                "RECOVERY_PITR_WINDOW_SECONDS",
                PointInTime.MAX_WINDOW.toSeconds(),
                60,
                PointInTime.MAX_WINDOW.toSeconds())));
  }

  int keep(BackupTier tier) {
    return keep.get(tier);
  }
}

package app.avalo.infra.recovery;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;

/**
 * The document {@code backups/{backupId}}: written in steps as a run goes (writing, then verified
 * or failed; later corrupt or deleting), read back as a {@link BackupRecord}.
 */
final class BackupRecordCodec {
  static final String TIER = "tier";
  static final String STATUS = "status";
  static final String SNAPSHOT_TIME = "snapshotTime";
  private static final String ATTEMPTS = "attempts";
  private static final String ERROR = "error";

  private BackupRecordCodec() {}

  /** A run starts writing {@code id}; {@code attempts} counts this one. */
  static Map<String, Object> writing(
      BackupId id, String bucket, Instant snapshotTime, Instant startedAt, long attempts) {
    return DocWriter.create()
        .field("backupId", id.toString())
        .field(TIER, id.tier())
        .field(STATUS, BackupState.WRITING)
        .field("scheduledFor", id.scheduledFor())
        .field(SNAPSHOT_TIME, snapshotTime)
        .field("startedAt", startedAt)
        .field(ATTEMPTS, attempts)
        .field("bucket", bucket)
        .field("prefix", id.prefix())
        .field("manifestObject", id.manifestObject())
        .field("storageClass", id.tier().storageClass().name())
        .map();
  }

  /** How many runs have started writing the backup so far (0 for a new one). */
  static long attempts(DocumentSnapshot doc) {
    return doc.exists() ? DocReader.of(doc).optionalLong(ATTEMPTS).orElse(0L) : 0L;
  }

  /** The update of a backup whose manifest was written and checked. */
  static Map<String, Object> verified(BackupWriter.Written written, Instant verifiedAt) {
    Manifest m = written.manifest();
    return DocWriter.create()
        .field(STATUS, BackupState.VERIFIED)
        .field("manifestSha256", written.manifestSha256())
        .field("completedAt", m.completedAt())
        .field("verifiedAt", verifiedAt)
        .field("documents", m.documents())
        .field("bytes", m.bytes())
        .field("shards", (long) m.shards())
        .field("counts", m.counts())
        .field("consistency", m.consistency())
        .fieldOrNull(ERROR, null)
        .map();
  }

  /**
   * The update of a backup that ended in {@code state}: failed, corrupt ({@code error} says why).
   */
  static Map<String, Object> ended(BackupState state, String error, Instant at) {
    String when =
        switch (state) {
          case FAILED -> "failedAt";
          case CORRUPT -> "corruptAt";
          default -> throw new IllegalArgumentException("a backup does not end " + state.wire());
        };
    return DocWriter.create().field(STATUS, state).fieldOrNull(ERROR, error).field(when, at).map();
  }

  static Map<String, Object> deleting(Instant at) {
    return DocWriter.create().field(STATUS, BackupState.DELETING).field("deletingAt", at).map();
  }

  static BackupRecord fromDoc(DocumentSnapshot doc) {
    BackupId id =
        BackupId.parse(doc.getId())
            .orElseThrow(
                () -> new IllegalStateException("backups/" + doc.getId() + " has no backup id"));
    DocReader d = DocReader.of(doc);
    return new BackupRecord(
        id,
        d.enumValue(STATUS, BackupState.class),
        d.optionalInstant(SNAPSHOT_TIME).orElse(null),
        d.optionalInstant("completedAt").orElse(null),
        d.optionalString("manifestSha256").orElse(null),
        d.optionalLong("documents").orElse(0L),
        d.optionalLong("bytes").orElse(0L),
        d.optionalLong("shards").orElse(0L),
        d.optionalString("consistency").orElse(null),
        d.optionalString(ERROR).orElse(null));
  }
}

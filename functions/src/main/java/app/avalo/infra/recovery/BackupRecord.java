package app.avalo.infra.recovery;

import java.time.Instant;

/** One backup as the index ({@link BackupCatalog}) knows it. */
record BackupRecord(
    BackupId id,
    BackupState state,
    Instant snapshotTime,
    Instant completedAt,
    String manifestSha256,
    long documents,
    long bytes,
    long shards,
    String consistency,
    String error) {}

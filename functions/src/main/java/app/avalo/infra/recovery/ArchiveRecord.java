package app.avalo.infra.recovery;

import java.time.Instant;

/**
 * The record of one recovery, {@code recoveryArchives/{archiveId}}: where the entity's state before
 * it was archived, what the recovery changes, and how it ended. The fields from {@code commits} on
 * are null until the recovery writes them.
 *
 * <p>{@code kind} is the {@link RecoveryUnit}'s wire name; {@code status} one of archived,
 * restoring, restored, aborted, failed; {@code mode} one of none, atomic, chunked.
 */
record ArchiveRecord(
    String archiveId,
    String kind,
    String owner,
    String sourceType,
    String sourceId,
    Instant sourceAsOf,
    String archiveObject,
    String archiveSha256,
    long archiveBytes,
    long archivedDocuments,
    long added,
    long changed,
    long removed,
    long unchanged,
    long writes,
    String mode,
    String status,
    String actor,
    Instant createdAt,
    Long commits,
    Long commitsDone,
    Instant finishedAt,
    Long elapsedMs,
    Long slaMs,
    Boolean withinSla,
    String error) {}

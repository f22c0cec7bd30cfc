package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.StorageClass;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Before a recovery overwrites anything, the entity's current documents are archived: a gzipped
 * NDJSON object in the backup bucket ({@code recovery-archives/{recoveryId}.ndjson.gz}, the backup
 * line format) and a record {@code recoveryArchives/{recoveryId}} ({@link RecoveryArchiveStore})
 * with its SHA-256, what the recovery changes and how it ended. Recovering from an archive ({@code
 * archiveId}) restores that state, which undoes the recovery.
 *
 * <p>Record status: {@code archived} (taken; restore not yet applied), {@code restoring} (chunked
 * restore in progress; {@code commitsDone}), {@code restored}, {@code aborted} (nothing restored:
 * the entity changed meanwhile), {@code failed} (a chunked restore stopped part-way).
 */
final class RecoveryArchives {
  static final String OBJECT_PREFIX = "recovery-archives/";

  private final Firestore db;
  private final RecoveryArchiveStore records;
  private final BackupStorage storage;
  private final Clock clock;

  /**
   * @param db where decoded references are anchored (the archived documents' own database)
   */
  RecoveryArchives(Firestore db, RecoveryArchiveStore records, BackupStorage storage, Clock clock) {
    this.db = db;
    this.records = records;
    this.storage = storage;
    this.clock = clock;
  }

  /** Where an archive was stored. */
  record Archive(String archiveId, String object, String sha256, long bytes, int documents) {}

  String newId() {
    return records.newId();
  }

  /**
   * Stores the current documents, then the record; nothing of the entity is written before both
   * exist.
   */
  Archive create(
      String archiveId,
      RecoveryUnit unit,
      String owner,
      RestorePoint source,
      Collection<DocumentRecord> current,
      EntityDiff diff,
      String mode,
      String actor) {
    byte[] bytes = gzipLines(current);
    String object = OBJECT_PREFIX + archiveId + ".ndjson.gz";
    storage.put(object, bytes, StorageClass.STANDARD, "application/gzip");
    Archive archive =
        new Archive(archiveId, object, ShardReader.sha256(bytes), bytes.length, current.size());
    records.create(
        new ArchiveRecord(
            archiveId,
            unit.wire(),
            owner,
            source.type(),
            source.id(),
            source.asOf(),
            object,
            archive.sha256(),
            archive.bytes(),
            archive.documents(),
            diff.added(),
            diff.changed(),
            diff.removed(),
            diff.unchanged(),
            diff.operations(),
            mode,
            "archived",
            actor,
            clock.instant(),
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    return archive;
  }

  /**
   * Archives the versions of documents someone else edited while a chunked restore was running,
   * before the restore overwrites them, and notes them on the recovery's record.
   */
  String archiveConcurrentEdits(
      String archiveId, int commit, int attempt, List<DocumentRecord> edited) {
    byte[] bytes = gzipLines(edited);
    String object = OBJECT_PREFIX + archiveId + "-edits-" + commit + "-" + attempt + ".ndjson.gz";
    storage.put(object, bytes, StorageClass.STANDARD, "application/gzip");
    records.noteConcurrentEdits(
        archiveId, object, edited.stream().map(DocumentRecord::path).toList());
    return object;
  }

  /**
   * The state archived by an earlier recovery of the same entity, verified against its checksum.
   */
  RestorePoint restorePoint(String archiveId, RecoveryUnit unit, String owner) {
    ArchiveRecord record =
        records
            .get(archiveId)
            .orElseThrow(() -> ApiException.notFound("no recovery archive " + archiveId));
    if (!unit.wire().equals(record.kind()) || !owner.equals(record.owner())) {
      throw ApiException.failedPrecondition(
          "archive "
              + archiveId
              + " holds "
              + record.kind()
              + " "
              + record.owner()
              + ", not "
              + unit.wire()
              + " "
              + owner);
    }
    String object = record.archiveObject();
    byte[] bytes =
        storage
            .read(object)
            .orElseThrow(() -> ApiException.dataLoss("archive object " + object + " is missing"));
    if (!ShardReader.matches(bytes, record.archiveBytes(), record.archiveSha256())) {
      throw ApiException.dataLoss(
          "archive " + archiveId + " fails its SHA-256 check; nothing was restored");
    }
    Map<String, DocumentRecord> documents = new LinkedHashMap<>();
    try {
      for (DocumentRecord doc : ShardReader.decode(bytes, db, header -> true).documents()) {
        documents.put(doc.path(), doc);
      }
    } catch (IOException | DocumentCodec.MalformedLineException e) {
      throw ApiException.dataLoss("archive " + archiveId + " cannot be decoded: " + e.getMessage());
    }
    return new RestorePoint("archive", archiveId, record.createdAt(), documents);
  }

  private static byte[] gzipLines(Collection<DocumentRecord> documents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Writer writer =
        new OutputStreamWriter(new GZIPOutputStream(out), StandardCharsets.UTF_8)) {
      for (DocumentRecord doc : documents) {
        DocumentCodec.writeLine(writer, doc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

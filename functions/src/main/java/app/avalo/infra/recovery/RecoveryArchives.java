package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.storage.StorageClass;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Before a recovery overwrites anything, the entity's current documents are archived: a gzipped
 * NDJSON object in the backup bucket ({@code recovery-archives/{recoveryId}.ndjson.gz}, the backup
 * line format) and a record {@code recoveryArchives/{recoveryId}} with its SHA-256, what the
 * recovery changes and how it ended. Recovering from an archive ({@code archiveId}) restores that
 * state, which undoes the recovery.
 *
 * <p>Record status: {@code archived} (taken; restore not yet applied), {@code restoring} (chunked
 * restore in progress; {@code commitsDone}), {@code restored}, {@code aborted} (nothing restored:
 * the entity changed meanwhile), {@code failed} (a chunked restore stopped part-way).
 */
final class RecoveryArchives {
  static final String COLLECTION = "recoveryArchives";
  static final String OBJECT_PREFIX = "recovery-archives/";

  private final Firestore db;
  private final BackupStorage storage;
  private final Clock clock;

  RecoveryArchives(Firestore db, BackupStorage storage, Clock clock) {
    this.db = db;
    this.storage = storage;
    this.clock = clock;
  }

  /** Where an archive was stored. */
  record Archive(String archiveId, String object, String sha256, long bytes, int documents) {}

  String newId() {
    return "rcv-" + db.collection(COLLECTION).document().getId();
  }

  DocumentReference ref(String archiveId) {
    return db.collection(COLLECTION).document(archiveId);
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
    Map<String, Object> doc = new HashMap<>();
    doc.put("archiveId", archiveId);
    doc.put("kind", unit.wire());
    doc.put("owner", owner);
    doc.put("sourceType", source.type());
    doc.put("sourceId", source.id());
    doc.put("sourceAsOf", Firestores.timestamp(source.asOf()));
    doc.put("archiveObject", object);
    doc.put("archiveSha256", archive.sha256());
    doc.put("archiveBytes", archive.bytes());
    doc.put("archivedDocuments", (long) archive.documents());
    doc.put("added", (long) diff.added());
    doc.put("changed", (long) diff.changed());
    doc.put("removed", (long) diff.removed());
    doc.put("unchanged", (long) diff.unchanged());
    doc.put("writes", (long) diff.operations());
    doc.put("mode", mode);
    doc.put("status", "archived");
    doc.put("actor", actor);
    doc.put("createdAt", Firestores.timestamp(clock.instant()));
    Firestores.await(ref(archiveId).create(doc));
    return archive;
  }

  void markRestoring(String archiveId, int commits) {
    Firestores.await(
        ref(archiveId).update("status", "restoring", "commits", (long) commits, "commitsDone", 0L));
  }

  /** The record's final state, with the measured time against the SLA. */
  void finish(String archiveId, String status, long elapsedMs, long slaMs, String error) {
    Map<String, Object> update = new HashMap<>();
    update.put("status", status);
    update.put("finishedAt", Firestores.timestamp(clock.instant()));
    update.put("elapsedMs", elapsedMs);
    update.put("slaMs", slaMs);
    update.put("withinSla", elapsedMs <= slaMs);
    update.put("error", error);
    Firestores.await(ref(archiveId).update(update));
  }

  /**
   * The state archived by an earlier recovery of the same entity, verified against its checksum.
   */
  RestorePoint restorePoint(String archiveId, RecoveryUnit unit, String owner) {
    DocumentSnapshot record = Firestores.await(ref(archiveId).get());
    if (!record.exists()) {
      throw ApiException.notFound("no recovery archive " + archiveId);
    }
    if (!unit.wire().equals(record.getString("kind")) || !owner.equals(record.getString("owner"))) {
      throw ApiException.failedPrecondition(
          "archive "
              + archiveId
              + " holds "
              + record.getString("kind")
              + " "
              + record.getString("owner")
              + ", not "
              + unit.wire()
              + " "
              + owner);
    }
    String object = record.getString("archiveObject");
    byte[] bytes =
        storage
            .read(object)
            .orElseThrow(() -> ApiException.dataLoss("archive object " + object + " is missing"));
    if (!ShardReader.matches(
        bytes, record.getLong("archiveBytes"), record.getString("archiveSha256"))) {
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
    Instant asOf = Firestores.instant(record.getTimestamp("createdAt"));
    return new RestorePoint("archive", archiveId, asOf, documents);
  }

  /** The latest recoveries, newest first, for the dashboard. */
  List<Map<String, Object>> recent(int limit) {
    List<QueryDocumentSnapshot> docs =
        Firestores.await(
                db.collection(COLLECTION)
                    .orderBy("createdAt", Query.Direction.DESCENDING)
                    .limit(limit)
                    .get())
            .getDocuments();
    return docs.stream()
        .map(
            d -> {
              Map<String, Object> item = new LinkedHashMap<>();
              item.put("archiveId", d.getId());
              item.put("kind", d.getString("kind"));
              item.put("owner", d.getString("owner"));
              item.put("sourceId", d.getString("sourceId"));
              item.put("status", d.getString("status"));
              item.put("writes", d.getLong("writes"));
              item.put("elapsedMs", d.getLong("elapsedMs"));
              item.put("withinSla", d.getBoolean("withinSla"));
              item.put("createdAt", Firestores.instant(d.getTimestamp("createdAt")));
              return item;
            })
        .toList();
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

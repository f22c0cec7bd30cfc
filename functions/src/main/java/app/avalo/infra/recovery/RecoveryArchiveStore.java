package app.avalo.infra.recovery;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.Transaction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records of recoveries, {@code recoveryArchives/{archiveId}} ({@link ArchiveRecordCodec}). A
 * restore advances its record in the same commit as the documents it writes, so the record says how
 * far a restore got.
 */
final class RecoveryArchiveStore {
  static final String COLLECTION = "recoveryArchives";

  private final Firestore db;
  private final Clock clock;

  RecoveryArchiveStore(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  String newId() {
    return "rcv-" + db.collection(COLLECTION).document().getId();
  }

  /** Creates the record; fails if one with its id exists. */
  void create(ArchiveRecord record) {
    Firestores.await(ref(record.archiveId()).create(ArchiveRecordCodec.toDoc(record)));
  }

  Optional<ArchiveRecord> get(String archiveId) {
    DocumentSnapshot doc = Firestores.await(ref(archiveId).get());
    return doc.exists() ? Optional.of(ArchiveRecordCodec.fromDoc(doc)) : Optional.empty();
  }

  void markRestoring(String archiveId, int commits) {
    Firestores.await(ref(archiveId).update(ArchiveRecordCodec.restoring(commits)));
  }

  /** The atomic restore's own write of the record, in its transaction. */
  void markRestoredIn(Transaction tx, String archiveId) {
    tx.update(
        ref(archiveId), ArchiveRecordCodec.STATUS, "restored", ArchiveRecordCodec.COMMITS_DONE, 1L);
  }

  /** A chunked restore's progress, in the transaction that writes commit {@code commitsDone}. */
  void advanceIn(Transaction tx, String archiveId, long commitsDone) {
    tx.update(ref(archiveId), ArchiveRecordCodec.COMMITS_DONE, commitsDone);
  }

  /**
   * Notes documents edited by someone else while a chunked restore ran: their versions were
   * archived in {@code object} before the restore overwrote them.
   */
  void noteConcurrentEdits(String archiveId, String object, List<String> paths) {
    // Only the restore writes its record while it runs, so a read-modify-write is enough.
    DocumentSnapshot record = Firestores.await(ref(archiveId).get());
    List<Object> edits = new ArrayList<>();
    if (record.get("concurrentEdits") instanceof List<?> earlier) {
      edits.addAll(earlier);
    }
    edits.add(Map.of("object", object, "paths", paths));
    Long count = record.getLong("concurrentEditCount");
    Firestores.await(
        ref(archiveId)
            .update(
                "concurrentEdits",
                edits,
                "concurrentEditCount",
                (count == null ? 0 : count) + paths.size()));
  }

  void finish(String archiveId, String status, long elapsedMs, long slaMs, String error) {
    Firestores.await(
        ref(archiveId)
            .update(ArchiveRecordCodec.finished(status, clock.instant(), elapsedMs, slaMs, error)));
  }

  /** The latest recoveries, newest first. */
  List<ArchiveRecord> recent(int limit) {
    return Firestores.await(
            db.collection(COLLECTION)
                .orderBy(ArchiveRecordCodec.CREATED_AT, Query.Direction.DESCENDING)
                .limit(limit)
                .get())
        .getDocuments()
        .stream()
        .map(ArchiveRecordCodec::fromDoc)
        .toList();
  }

  private DocumentReference ref(String archiveId) {
    return db.collection(COLLECTION).document(archiveId);
  }
}

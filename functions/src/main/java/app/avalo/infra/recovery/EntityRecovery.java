package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Status;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.Transaction;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Restores one entity (a wallet with its transactions, a chat with its messages, a ticket, an AI
 * session) to its state at a past time, to a backup, or to the archive of an earlier recovery,
 * which undoes it.
 *
 * <ol>
 *   <li>The restore point is read first. With {@code asOf} inside the point-in-time window (and
 *       PITR enabled): the entity as Firestore had it then, read in one read-only transaction at
 *       that read time — the same queries as the live read, so it is one consistent snapshot. With
 *       {@code asOf} beyond the window, or PITR disabled: the newest verified backup taken at or
 *       before it. A backup is verified first: one shard per collection, checked against the
 *       manifest. A bad {@code asOf} or backup id, an unusable backup or a damaged shard stops
 *       here, before anything is written.
 *   <li>The entity's current documents are read and compared: added / changed / removed. {@code
 *       dryRun} returns that diff and writes nothing.
 *   <li>The current documents are archived (object + record) before anything is overwritten.
 *   <li>Up to {@value #ATOMIC_WRITES} document writes: one transaction that re-reads the entity,
 *       refuses (ABORTED, nothing restored) if it changed since it was archived, and writes every
 *       document and the archive record's final status together. More writes than one commit takes:
 *       ordered commits of {@value #CHUNK_WRITES}, the entity's own owned documents first and its
 *       root document last, each a transaction that re-reads its documents (per-document
 *       preconditions) and advances the record's {@code commitsDone}. A document someone edited
 *       since it was archived is archived again (an {@code -edits-} object, listed on the record
 *       under {@code concurrentEdits}) before the chunk is retried over it, so no edit is lost
 *       silently. A restore stopped part-way is finished by running the same recovery again (every
 *       write is a whole-document set or a delete, so re-running converges) or undone from the
 *       archive.
 * </ol>
 *
 * The elapsed time is measured with a monotonic clock and compared with the unit's SLA; a miss
 * raises a warning alert.
 */
final class EntityRecovery {
  /** One Firestore commit takes 500 writes; one is the archive record's status. */
  static final int ATOMIC_WRITES = 499;

  static final int CHUNK_WRITES = 400;

  /** Tries of one chunk when documents keep being edited under it. */
  static final int CHUNK_ATTEMPTS = 5;

  /** Changes listed in a response; the counts are always complete. */
  static final int MAX_LISTED_CHANGES = 1000;

  private final Firestore db;
  private final BackupReader backups;
  private final RecoveryArchives archives;
  private final RecoveryArchiveStore records;
  private final RecoveryAlerts alerts;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final IntConsumer beforeRestoreCommit;
  private final int pageSize;
  private final boolean pitrEnabled;
  private final Duration pitrWindow;

  EntityRecovery(
      Firestore db,
      BackupReader backups,
      RecoveryArchives archives,
      RecoveryArchiveStore records,
      RecoveryAlerts alerts,
      Clock clock,
      LongSupplier nanoTime,
      IntConsumer beforeRestoreCommit,
      RecoveryConfig config) {
    this.db = db;
    this.backups = backups;
    this.archives = archives;
    this.records = records;
    this.alerts = alerts;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.beforeRestoreCommit = beforeRestoreCommit;
    this.pageSize = config.pageSize();
    this.pitrEnabled = config.pitrEnabled();
    this.pitrWindow = config.pitrWindow();
  }

  /** What a recovery did (or, for a dry run, would do). */
  record Result(
      String kind,
      String owner,
      boolean dryRun,
      String status,
      Source source,
      Summary summary,
      List<EntityDiff.Change> changes,
      boolean changesTruncated,
      Restore restore,
      RecoveryArchives.Archive archive,
      long elapsedMs,
      long slaMs,
      boolean withinSla) {}

  /**
   * Where the restored state came from.
   *
   * @param type {@code pitr} (Firestore read at {@code asOf}), {@code backup} or {@code archive}
   * @param id the backup or archive id; for {@code pitr} the read time
   * @param why why this source was used
   */
  record Source(String type, String id, Instant asOf, String why) {}

  record Summary(int added, int changed, int removed, int unchanged) {}

  /**
   * How the restore was written: {@code atomic} (one transaction), {@code chunked}, or {@code
   * none}.
   */
  record Restore(String mode, int writes, int commits) {}

  Result recover(RecoveryRequest request) {
    long started = nanoTime.getAsLong();
    RecoveryUnit unit = request.unit();
    Chosen chosen = restorePoint(request);
    RestorePoint point = chosen.point();
    Map<String, DocumentRecord> current =
        readCurrent(new DirectReads(), unit, request.owner(), point);
    EntityDiff diff =
        EntityDiff.between(
            point.documents(),
            current,
            unit.collections().stream().map(CriticalCollection::collection).toList());
    Source source = new Source(point.type(), point.id(), point.asOf(), chosen.why());
    if (request.dryRun()) {
      return result(
          request,
          "dry-run",
          source,
          diff,
          new Restore("none", diff.operations(), 0),
          null,
          started);
    }
    String archiveId = archives.newId();
    int operations = diff.operations();
    String mode = operations == 0 ? "none" : operations <= ATOMIC_WRITES ? "atomic" : "chunked";
    RecoveryArchives.Archive archive =
        archives.create(
            archiveId, unit, request.owner(), point, current.values(), diff, mode, request.actor());
    int commits;
    try {
      commits =
          switch (mode) {
            case "none" -> 0;
            case "atomic" ->
                restoreAtomically(unit, request.owner(), point, current, diff, archiveId);
            default -> restoreInChunks(unit, diff, archiveId, current);
          };
    } catch (RuntimeException e) {
      // An atomic restore that failed wrote nothing; a chunked one may have written some commits.
      long elapsedMs = (nanoTime.getAsLong() - started) / 1_000_000;
      try {
        records.finish(
            archiveId,
            mode.equals("atomic") ? "aborted" : "failed",
            elapsedMs,
            unit.sla().toMillis(),
            String.valueOf(e.getMessage()));
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
    Result result =
        result(
            request,
            "restored",
            source,
            diff,
            new Restore(mode, operations, commits),
            archive,
            started);
    records.finish(archiveId, "restored", result.elapsedMs(), result.slaMs(), null);
    Log.info(
        "entity recovered",
        Map.of(
            "kind",
            unit.wire(),
            "owner",
            request.owner(),
            "source",
            point.id(),
            "archiveId",
            archiveId,
            "writes",
            operations,
            "elapsedMs",
            result.elapsedMs()));
    if (!result.withinSla()) {
      alerts.slaMissed(unit, request.owner(), result.elapsedMs(), result.slaMs(), archiveId);
    }
    return result;
  }

  private record Chosen(RestorePoint point, String why) {}

  private Chosen restorePoint(RecoveryRequest request) {
    if (request.archiveId() != null) {
      return new Chosen(
          archives.restorePoint(request.archiveId(), request.unit(), request.owner()),
          "archiveId: undoing an earlier recovery");
    }
    if (request.backupId() != null) {
      return new Chosen(fromBackup(request, backups.open(request.backupId())), "backupId");
    }
    Instant asOf = request.asOf();
    if (asOf == null) {
      return new Chosen(fromBackup(request, backups.latest()), "the newest verified backup");
    }
    Instant now = clock.instant();
    PointInTime.problem(asOf, now)
        .ifPresent(
            problem -> {
              throw ApiException.invalidArgument("asOf", problem);
            });
    if (!pitrEnabled) {
      return new Chosen(
          fromBackup(request, backups.latestAtOrBefore(asOf)),
          "point-in-time recovery is disabled (RECOVERY_PITR_ENABLED=false): the newest verified"
              + " backup taken at or before asOf");
    }
    if (!PointInTime.within(asOf, now, pitrWindow)) {
      return new Chosen(
          fromBackup(request, backups.latestAtOrBefore(asOf)),
          "asOf is older than the point-in-time window ("
              + pitrWindow.toSeconds()
              + " s): the newest verified backup taken at or before it");
    }
    return new Chosen(
        atReadTime(request.unit(), request.owner(), asOf),
        "asOf is within the point-in-time window: Firestore read at that time");
  }

  /** The entity as Firestore had it at {@code asOf}, read in one read-only transaction. */
  private RestorePoint atReadTime(RecoveryUnit unit, String owner, Instant asOf) {
    RestorePoint none = new RestorePoint("pitr", asOf.toString(), asOf, Map.of());
    Map<String, DocumentRecord> then =
        Firestores.await(
            db.runTransaction(
                tx -> readCurrent(new TransactionReads(tx), unit, owner, none),
                BackupWriter.readOnlyAt(asOf)));
    return new RestorePoint("pitr", asOf.toString(), asOf, then);
  }

  private RestorePoint fromBackup(RecoveryRequest request, BackupReader.OpenBackup backup) {
    Map<String, DocumentRecord> documents = new LinkedHashMap<>();
    for (CriticalCollection collection : request.unit().collections()) {
      for (DocumentRecord doc : backups.ownerDocuments(backup, collection, request.owner())) {
        documents.put(doc.path(), doc);
      }
    }
    return new RestorePoint(
        "backup", backup.id().toString(), backup.manifest().snapshotTime(), documents);
  }

  private int restoreAtomically(
      RecoveryUnit unit,
      String owner,
      RestorePoint point,
      Map<String, DocumentRecord> archived,
      EntityDiff diff,
      String archiveId) {
    Map<String, String> archivedState = encodings(archived);
    TransactionOptions options =
        TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(5).build();
    Firestores.await(
        db.runTransaction(
            tx -> {
              Map<String, DocumentRecord> now =
                  readCurrent(new TransactionReads(tx), unit, owner, point);
              if (!encodings(now).equals(archivedState)) {
                throw new ApiException(
                    Status.ABORTED,
                    unit.wire()
                        + " "
                        + owner
                        + " changed while it was being recovered; "
                        + "nothing was restored. Run the recovery again.");
              }
              for (DocumentRecord doc : diff.sets()) {
                tx.set(ref(doc), doc.fields());
              }
              for (DocumentRecord doc : diff.deletes()) {
                tx.delete(ref(doc));
              }
              records.markRestoredIn(tx, archiveId);
              return null;
            },
            options));
    return 1;
  }

  private int restoreInChunks(
      RecoveryUnit unit, EntityDiff diff, String archiveId, Map<String, DocumentRecord> archived) {
    // Owned documents first, the root document last: the entity reads as restored only when all is.
    List<Op> ops = new ArrayList<>();
    diff.sets().forEach(d -> ops.add(new Op(d, false)));
    diff.deletes().forEach(d -> ops.add(new Op(d, true)));
    ops.sort(
        (a, b) ->
            Boolean.compare(
                a.doc().collection().equals(unit.root().collection()),
                b.doc().collection().equals(unit.root().collection())));
    int commits = (ops.size() + CHUNK_WRITES - 1) / CHUNK_WRITES;
    records.markRestoring(archiveId, commits);
    // What each document was when it was archived (absent: it did not exist).
    Map<String, String> expected = encodings(archived);
    for (int c = 0; c < commits; c++) {
      List<Op> chunk = ops.subList(c * CHUNK_WRITES, Math.min(ops.size(), (c + 1) * CHUNK_WRITES));
      for (int attempt = 1; ; attempt++) {
        beforeRestoreCommit.accept(c);
        List<DocumentRecord> edited;
        try {
          edited = commitChunk(chunk, expected, archiveId, c + 1);
        } catch (RuntimeException e) {
          throw stopped(unit, archiveId, c, commits, e);
        }
        if (edited.isEmpty()) {
          break;
        }
        // Someone edited documents of this chunk since they were archived: archive their new
        // versions first, then restore over them (never lose an edit silently).
        if (attempt == CHUNK_ATTEMPTS) {
          throw stopped(
              unit,
              archiveId,
              c,
              commits,
              new ApiException(
                  Status.ABORTED, "documents kept changing during " + attempt + " attempts"));
        }
        List<DocumentRecord> present = edited.stream().filter(d -> d.fields() != null).toList();
        archives.archiveConcurrentEdits(archiveId, c + 1, attempt, present);
        for (DocumentRecord doc : edited) {
          if (doc.fields() == null) {
            expected.remove(doc.path());
          } else {
            expected.put(doc.path(), DocumentCodec.encodeFields(doc.fields()));
          }
        }
      }
    }
    return commits;
  }

  /**
   * One chunk in one transaction that first reads every document it writes: a document whose state
   * is no longer the archived one is returned (the chunk writes nothing); otherwise the chunk and
   * the record's progress commit together. The transaction's reads are the per-document
   * preconditions: Firestore aborts the commit if any of them changes before it lands.
   */
  private List<DocumentRecord> commitChunk(
      List<Op> chunk, Map<String, String> expected, String archiveId, int commitsDone) {
    List<DocumentReference> refs = chunk.stream().map(op -> ref(op.doc())).toList();
    TransactionOptions options =
        TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(5).build();
    return Firestores.await(
        db.runTransaction(
            tx -> {
              List<DocumentRecord> edited = new ArrayList<>();
              for (DocumentSnapshot now : tx.getAll(refs.toArray(DocumentReference[]::new)).get()) {
                String collection = now.getReference().getParent().getId();
                String path = collection + "/" + now.getId();
                String is = now.exists() ? DocumentCodec.encodeFields(now.getData()) : null;
                if (!java.util.Objects.equals(expected.get(path), is)) {
                  CriticalCollection owner = CriticalCollection.byName(collection).orElseThrow();
                  edited.add(
                      new DocumentRecord(
                          collection,
                          now.getId(),
                          now.exists() ? owner.ownerOf(now) : null,
                          now.exists() ? now.getData() : null));
                }
              }
              if (!edited.isEmpty()) {
                return edited;
              }
              for (Op op : chunk) {
                if (op.delete()) {
                  tx.delete(ref(op.doc()));
                } else {
                  tx.set(ref(op.doc()), op.doc().fields());
                }
              }
              records.advanceIn(tx, archiveId, commitsDone);
              return List.<DocumentRecord>of();
            },
            options));
  }

  private static ApiException stopped(
      RecoveryUnit unit, String archiveId, int commitsDone, int commits, RuntimeException e) {
    Log.error(
        "chunked restore stopped",
        Map.of("archiveId", archiveId, "commitsDone", commitsDone, "commits", commits),
        e);
    return new ApiException(
        Status.ABORTED,
        "restore stopped after "
            + commitsDone
            + " of "
            + commits
            + " commits: "
            + unit.wire()
            + " is partially restored. Run the same recovery again to finish it, or recover"
            + " with archiveId "
            + archiveId
            + " to undo it",
        Map.of("archiveId", archiveId, "commitsDone", commitsDone));
  }

  private record Op(DocumentRecord doc, boolean delete) {}

  private Result result(
      RecoveryRequest request,
      String status,
      Source source,
      EntityDiff diff,
      Restore restore,
      RecoveryArchives.Archive archive,
      long started) {
    long elapsedMs = (nanoTime.getAsLong() - started) / 1_000_000;
    long slaMs = request.unit().sla().toMillis();
    List<EntityDiff.Change> changes = diff.changes();
    boolean truncated = changes.size() > MAX_LISTED_CHANGES;
    return new Result(
        request.unit().wire(),
        request.owner(),
        request.dryRun(),
        status,
        source,
        new Summary(diff.added(), diff.changed(), diff.removed(), diff.unchanged()),
        truncated ? List.copyOf(changes.subList(0, MAX_LISTED_CHANGES)) : changes,
        truncated,
        restore,
        archive,
        elapsedMs,
        slaMs,
        elapsedMs <= slaMs);
  }

  // ---- the entity's current documents ----

  /** Reads the live documents; through a transaction or directly. */
  private interface Reads {
    DocumentSnapshot get(DocumentReference ref) throws Exception;

    List<QueryDocumentSnapshot> query(Query query) throws Exception;

    List<DocumentSnapshot> getAll(List<DocumentReference> refs) throws Exception;
  }

  private final class DirectReads implements Reads {
    @Override
    public DocumentSnapshot get(DocumentReference ref) {
      return Firestores.await(ref.get());
    }

    @Override
    public List<QueryDocumentSnapshot> query(Query query) {
      return Firestores.await(query.get()).getDocuments();
    }

    @Override
    public List<DocumentSnapshot> getAll(List<DocumentReference> refs) {
      return Firestores.await(db.getAll(refs.toArray(DocumentReference[]::new)));
    }
  }

  private record TransactionReads(Transaction tx) implements Reads {
    @Override
    public DocumentSnapshot get(DocumentReference ref)
        throws ExecutionException, InterruptedException {
      return tx.get(ref).get();
    }

    @Override
    public List<QueryDocumentSnapshot> query(Query query)
        throws ExecutionException, InterruptedException {
      return tx.get(query).get().getDocuments();
    }

    @Override
    public List<DocumentSnapshot> getAll(List<DocumentReference> refs)
        throws ExecutionException, InterruptedException {
      return tx.getAll(refs.toArray(DocumentReference[]::new)).get();
    }
  }

  /**
   * The entity's current documents: its root document, the documents it owns through the owner
   * field (paged by id), and any document of the restore point that now exists under another owner.
   */
  private Map<String, DocumentRecord> readCurrent(
      Reads reads, RecoveryUnit unit, String owner, RestorePoint point) {
    try {
      Map<String, DocumentRecord> current = new LinkedHashMap<>();
      CriticalCollection root = unit.root();
      add(current, root, reads.get(db.collection(root.collection()).document(owner)));
      CriticalCollection owned = unit.owned();
      if (owned != null) {
        Query base =
            db.collection(owned.collection())
                .whereEqualTo(owned.ownerField(), owner)
                .orderBy(FieldPath.documentId())
                .limit(pageSize);
        List<QueryDocumentSnapshot> page = reads.query(base);
        while (true) {
          page.forEach(doc -> add(current, owned, doc));
          if (page.size() < pageSize) {
            break;
          }
          page = reads.query(base.startAfter(page.get(page.size() - 1)));
        }
      }
      List<DocumentReference> elsewhere = new ArrayList<>();
      Map<String, CriticalCollection> collectionOf = new HashMap<>();
      for (DocumentRecord doc : point.documents().values()) {
        if (!current.containsKey(doc.path())) {
          elsewhere.add(ref(doc));
          collectionOf.put(doc.path(), CriticalCollection.byName(doc.collection()).orElseThrow());
        }
      }
      if (!elsewhere.isEmpty()) {
        for (DocumentSnapshot doc : reads.getAll(elsewhere)) {
          String path = doc.getReference().getParent().getId() + "/" + doc.getId();
          add(current, collectionOf.get(path), doc);
        }
      }
      return current;
    } catch (RuntimeException e) {
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + unit.wire() + " " + owner, e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void add(
      Map<String, DocumentRecord> current, CriticalCollection collection, DocumentSnapshot doc) {
    if (doc.exists()) {
      DocumentRecord record =
          new DocumentRecord(
              collection.collection(), doc.getId(), collection.ownerOf(doc), doc.getData());
      current.put(record.path(), record);
    }
  }

  private static Map<String, String> encodings(Map<String, DocumentRecord> documents) {
    Map<String, String> encoded = new HashMap<>();
    documents.forEach((path, doc) -> encoded.put(path, DocumentCodec.encodeFields(doc.fields())));
    return encoded;
  }

  private DocumentReference ref(DocumentRecord doc) {
    return db.collection(doc.collection()).document(doc.id());
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Moves every user pinned to one region to another ({@code initiateRegionFailover}), in batches of
 * up to 500, resumable and exactly-once.
 *
 * <p>Each batch is one transaction that reads the operation's checkpoint ({@code
 * failoverOperations/{id}}: cursor and counts), reads the next page of users pinned to the source
 * region after the cursor ({@code regionId == from}, ordered by document id), re-pins them and
 * advances the checkpoint. The moves and the checkpoint commit together or not at all, so a crash
 * between batches (or inside one) loses nothing and repeats nothing: the next call resumes from the
 * committed cursor. Two runners working on one operation at once conflict on the checkpoint and one
 * of them retries from the other's cursor.
 *
 * <p>At most one operation per source region runs at a time: {@code
 * regions/{from}.activeFailoverId} points at it, and starting a failover for a region that already
 * has one continues that one (or is refused if it goes elsewhere).
 *
 * <p>Commit size: a full batch writes 500 pins plus the checkpoint (501 writes). Firestore no
 * longer limits a commit to 500 writes; on a datastore that still does, set {@code
 * ROUTING_FAILOVER_BATCH_SIZE=497}.
 */
public final class FailoverMigrator {
  public static final String OPERATIONS = "failoverOperations";
  private static final TransactionOptions RETRY =
      TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(10).build();
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Observes batches; tests inject crashes through it. */
  interface BatchHook {
    BatchHook NONE = new BatchHook() {};

    /** Inside the batch's transaction, before it commits; throwing aborts the batch. */
    default void beforeCommit(String operationId, long batch, List<String> uids) {}

    /** After the batch committed. */
    default void afterCommit(String operationId, long batch, List<String> uids) {}
  }

  private final Firestore db;
  private final RegionStore regions;
  private final Clock clock;
  private final int batchSize;
  private final BatchHook hook;

  FailoverMigrator(Firestore db, RegionStore regions, Clock clock, int batchSize, BatchHook hook) {
    this.db = db;
    this.regions = regions;
    this.clock = clock;
    this.batchSize = batchSize;
    this.hook = hook;
  }

  /**
   * Starts moving users from {@code from} to {@code to}, or returns the operation already running
   * for that pair. The target must be healthy or degraded (FAILED_PRECONDITION otherwise).
   */
  public FailoverOperation start(String from, String to, String startedBy, String reason) {
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot fromDoc = tx.get(regions.ref(from)).get();
              DocumentSnapshot toDoc = tx.get(regions.ref(to)).get();
              if (!fromDoc.exists() || !toDoc.exists()) {
                throw ApiException.notFound(
                    "region "
                        + (fromDoc.exists() ? to : from)
                        + " does not exist; run initializeRegions");
              }
              Instant now = clock.instant();
              String activeId = fromDoc.getString("activeFailoverId");
              if (activeId != null) {
                DocumentSnapshot active = tx.get(ref(activeId)).get();
                if (active.exists()
                    && FailoverOperation.RUNNING.equals(active.getString("status"))) {
                  FailoverOperation running = parse(active);
                  if (!running.toRegion().equals(to)) {
                    throw ApiException.failedPrecondition(
                        "failover "
                            + activeId
                            + " is already moving users from "
                            + from
                            + " to "
                            + running.toRegion()
                            + "; let it finish first");
                  }
                  return running;
                }
              }
              RegionStatus target = RegionStore.parse(toDoc).status(now);
              if (!target.usable()) {
                throw ApiException.failedPrecondition(
                    "target region "
                        + to
                        + " is "
                        + target.wire()
                        + "; choose a healthy or degraded region");
              }
              String id =
                  from
                      + "-"
                      + to
                      + "-"
                      + ID_TIME.format(now)
                      + "-"
                      + UUID.randomUUID().toString().substring(0, 6);
              Map<String, Object> op = new HashMap<>();
              op.put("fromRegion", from);
              op.put("toRegion", to);
              op.put("status", FailoverOperation.RUNNING);
              op.put("cursor", null);
              op.put("moved", 0L);
              op.put("batches", 0L);
              op.put("batchSize", (long) batchSize);
              op.put("startedBy", startedBy);
              op.put("reason", reason);
              op.put("startedAt", Firestores.timestamp(now));
              op.put("updatedAt", Firestores.timestamp(now));
              op.put("finishedAt", null);
              tx.create(ref(id), op);
              tx.update(regions.ref(from), "activeFailoverId", id);
              Map<String, Object> event = regions.event(from, "failover-started", now);
              event.put("operationId", id);
              event.put("toRegion", to);
              event.put("by", startedBy);
              event.put("reason", reason);
              tx.create(regions.newEventRef(), event);
              return new FailoverOperation(
                  id,
                  from,
                  to,
                  FailoverOperation.RUNNING,
                  null,
                  0,
                  0,
                  batchSize,
                  startedBy,
                  reason,
                  now,
                  now,
                  null);
            },
            RETRY));
  }

  /** The operation's progress; NOT_FOUND if there is no such operation. */
  public FailoverOperation get(String id) {
    DocumentSnapshot doc = Firestores.await(ref(id).get());
    if (!doc.exists()) {
      throw ApiException.notFound("no failover operation " + id);
    }
    return parse(doc);
  }

  /**
   * Runs batches until the operation is finished or {@code stopBy} has passed; returns its
   * progress.
   */
  public FailoverOperation run(String id, Instant stopBy) {
    FailoverOperation op = get(id);
    while (!op.finished() && clock.instant().isBefore(stopBy)) {
      op = nextBatch(id);
    }
    return op;
  }

  private record Step(FailoverOperation operation, List<String> moved) {}

  /**
   * Moves one batch and advances the checkpoint in one transaction; completes the operation when no
   * user is left.
   */
  FailoverOperation nextBatch(String id) {
    DocumentReference opRef = ref(id);
    Step step =
        Firestores.await(
            db.runTransaction(
                tx -> {
                  DocumentSnapshot doc = tx.get(opRef).get();
                  if (!doc.exists()) {
                    throw ApiException.notFound("no failover operation " + id);
                  }
                  FailoverOperation op = parse(doc);
                  if (op.finished()) {
                    return new Step(op, List.of());
                  }
                  Query page =
                      db.collection(UserPins.MAPPINGS)
                          .whereEqualTo("regionId", op.fromRegion())
                          .orderBy(FieldPath.documentId())
                          .limit(op.batchSize());
                  if (op.cursor() != null) {
                    page = page.startAfter(op.cursor());
                  }
                  List<QueryDocumentSnapshot> users = tx.get(page).get().getDocuments();
                  List<String> uids = users.stream().map(DocumentSnapshot::getId).toList();
                  long batch = op.batches() + (uids.isEmpty() ? 0 : 1);
                  Instant now = clock.instant();
                  if (!uids.isEmpty()) {
                    hook.beforeCommit(id, batch, uids);
                  }
                  String moveReason = "failover operation " + id;
                  for (QueryDocumentSnapshot user : users) {
                    Map<String, Object> pin = new HashMap<>();
                    pin.put("regionId", op.toRegion());
                    pin.put("previousRegionId", op.fromRegion());
                    pin.put("updatedAt", Firestores.timestamp(now));
                    pin.put("reason", moveReason);
                    tx.update(user.getReference(), pin);
                  }
                  Map<String, Object> progress = new HashMap<>();
                  String cursor = uids.isEmpty() ? op.cursor() : uids.get(uids.size() - 1);
                  long moved = op.moved() + uids.size();
                  progress.put("cursor", cursor);
                  progress.put("moved", moved);
                  progress.put("batches", batch);
                  progress.put("updatedAt", Firestores.timestamp(now));
                  boolean last = uids.size() < op.batchSize();
                  if (last) {
                    progress.put("status", FailoverOperation.COMPLETED);
                    progress.put("finishedAt", Firestores.timestamp(now));
                    tx.update(regions.ref(op.fromRegion()), "activeFailoverId", null);
                    Map<String, Object> event =
                        regions.event(op.fromRegion(), "failover-completed", now);
                    event.put("operationId", id);
                    event.put("toRegion", op.toRegion());
                    event.put("moved", moved);
                    tx.create(regions.newEventRef(), event);
                  }
                  tx.update(opRef, progress);
                  return new Step(
                      new FailoverOperation(
                          id,
                          op.fromRegion(),
                          op.toRegion(),
                          last ? FailoverOperation.COMPLETED : FailoverOperation.RUNNING,
                          cursor,
                          moved,
                          batch,
                          op.batchSize(),
                          op.startedBy(),
                          op.reason(),
                          op.startedAt(),
                          now,
                          last ? now : null),
                      uids);
                },
                RETRY));
    if (!step.moved().isEmpty()) {
      hook.afterCommit(id, step.operation().batches(), step.moved());
    }
    return step.operation();
  }

  /** Running operations, for the dashboard. */
  public List<FailoverOperation> running() {
    return Firestores.await(
            db.collection(OPERATIONS).whereEqualTo("status", FailoverOperation.RUNNING).get())
        .getDocuments()
        .stream()
        .map(FailoverMigrator::parse)
        .toList();
  }

  private DocumentReference ref(String id) {
    return db.collection(OPERATIONS).document(id);
  }

  private static FailoverOperation parse(DocumentSnapshot doc) {
    return new FailoverOperation(
        doc.getId(),
        doc.getString("fromRegion"),
        doc.getString("toRegion"),
        doc.getString("status"),
        doc.getString("cursor"),
        number(doc, "moved"),
        number(doc, "batches"),
        (int) number(doc, "batchSize"),
        doc.getString("startedBy"),
        doc.getString("reason"),
        Firestores.instant(doc.getTimestamp("startedAt")),
        Firestores.instant(doc.getTimestamp("updatedAt")),
        Firestores.instant(doc.getTimestamp("finishedAt")));
  }

  private static long number(DocumentSnapshot doc, String field) {
    return doc.get(field) instanceof Number n ? n.longValue() : 0;
  }
}

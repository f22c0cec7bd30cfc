package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
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
 * <p>It is also the only reader and writer of {@code failoverOperations} ({@link FailoverCodec}): a
 * batch's transaction spans the checkpoint, the pins ({@link UserPins#pinnedTo}) and the region's
 * pointer ({@link RegionStore#ref}), so the operation documents are not split into a store of their
 * own.
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
  private final UserPins pins;
  private final Clock clock;
  private final int batchSize;
  private final BatchHook hook;

  FailoverMigrator(
      Firestore db,
      RegionStore regions,
      UserPins pins,
      Clock clock,
      int batchSize,
      BatchHook hook) {
    this.db = db;
    this.regions = regions;
    this.pins = pins;
    this.clock = clock;
    this.batchSize = batchSize;
    this.hook = hook;
  }

  /**
   * Continues {@code request.operationId()}, or starts (or continues) the operation moving users
   * from {@code request.fromRegion()} to {@code request.toRegion()}; runs batches until {@code
   * workUntil} and returns the operation's progress.
   */
  FailoverOperation initiate(FailoverRequest request, String by, Instant workUntil) {
    String id =
        request.operationId() != null
            ? get(request.operationId()).id()
            : start(request.fromRegion(), request.toRegion(), by, "initiateRegionFailover").id();
    return run(id, workUntil);
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
                throw RegionStore.notInitialized(fromDoc.exists() ? to : from);
              }
              Instant now = clock.instant();
              String activeId = RegionCodec.fromDoc(fromDoc).activeFailoverId();
              if (activeId != null) {
                DocumentSnapshot active = tx.get(ref(activeId)).get();
                FailoverOperation running = active.exists() ? FailoverCodec.fromDoc(active) : null;
                if (running != null && FailoverOperation.RUNNING.equals(running.status())) {
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
              RegionStatus target = RegionCodec.fromDoc(toDoc).status(now);
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
              FailoverOperation op =
                  new FailoverOperation(
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
              tx.create(ref(id), FailoverCodec.toDoc(op));
              tx.update(regions.ref(from), RegionCodec.activeFailover(id));
              tx.create(regions.newEventRef(), RegionEventCodec.failoverStarted(op));
              return op;
            },
            RETRY));
  }

  /** The operation's progress; NOT_FOUND if there is no such operation. */
  public FailoverOperation get(String id) {
    DocumentSnapshot doc = Firestores.await(ref(id).get());
    if (!doc.exists()) {
      throw ApiException.notFound("no failover operation " + id);
    }
    return FailoverCodec.fromDoc(doc);
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
                  FailoverOperation op = FailoverCodec.fromDoc(doc);
                  if (op.finished()) {
                    return new Step(op, List.of());
                  }
                  Query page = pins.pinnedTo(op.fromRegion()).limit(op.batchSize());
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
                    tx.update(
                        user.getReference(),
                        PinCodec.migrated(op.toRegion(), op.fromRegion(), now, moveReason));
                  }
                  String cursor = uids.isEmpty() ? op.cursor() : uids.get(uids.size() - 1);
                  long moved = op.moved() + uids.size();
                  boolean last = uids.size() < op.batchSize();
                  FailoverOperation next =
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
                          last ? now : null);
                  if (last) {
                    tx.update(regions.ref(op.fromRegion()), RegionCodec.activeFailover(null));
                    tx.create(regions.newEventRef(), RegionEventCodec.failoverCompleted(next));
                  }
                  tx.update(opRef, FailoverCodec.progress(next));
                  return new Step(next, uids);
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
            db.collection(OPERATIONS)
                .whereEqualTo(FailoverCodec.STATUS, FailoverOperation.RUNNING)
                .get())
        .getDocuments()
        .stream()
        .map(FailoverCodec::fromDoc)
        .toList();
  }

  private DocumentReference ref(String id) {
    return db.collection(OPERATIONS).document(id);
  }
}

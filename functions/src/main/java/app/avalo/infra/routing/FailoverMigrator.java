package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Moves every user pinned to one region to another ({@code initiateRegionFailover}): parallel
 * workers over key ranges of the users, resumable and exactly-once.
 *
 * <p><b>Partitions.</b> Starting an operation writes {@code failoverOperations/{id}} and one
 * partition document per key range of uids ({@code partitions/{index}}: {@code [startAt,
 * endBefore)}, cut evenly over Firebase Auth's uid alphabet, whose ids are uniformly random). Each
 * partition is worked on by one worker at a time, queued on a {@link WorkQueue} (Cloud Tasks to the
 * private {@code runFailoverPartition} in production, an in-process pool locally; both call {@link
 * #runPartition}).
 *
 * <p><b>Exactly once.</b> Each batch is one transaction that reads its partition's checkpoint
 * (cursor, counts), reads the next page of users pinned to the source region in the range after the
 * cursor ({@code regionId == from}, ordered by document id), re-pins them and advances the
 * checkpoint. The moves and the checkpoint commit together or not at all, so a crash loses nothing
 * and repeats nothing; two workers handed the same partition (a re-delivered task) conflict on its
 * checkpoint and one retries from the other's cursor; different partitions never share a user. The
 * last partition to finish completes the operation (sums the counts, clears the region's {@code
 * activeFailoverId}, records {@code failover-completed}).
 *
 * <p><b>Resuming.</b> A worker that runs out of time enqueues its own continuation; a partition
 * whose checkpoint has not moved for {@link #STALE_PARTITION} (its worker crashed) is enqueued
 * again by {@link #resumeStale} (the {@code resumeFailovers} job, every minute) and by {@code
 * initiateRegionFailover {operationId}}.
 *
 * <p><b>Write rate.</b> Firestore's 500/50/5 rule: start at {@code startRate} writes/s in total and
 * raise it by 50% every 5 minutes ({@link WriteRamp}); each of the operation's partitions takes its
 * share. The timestamp fields a move writes ({@code updatedAt}) are exempt from indexing
 * (firestore.indexes.json), so the writes spread over the uid-ordered {@code regionId} index
 * instead of piling onto the newest timestamps.
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

  /**
   * A partition whose checkpoint is older than this while its operation runs has lost its worker.
   */
  static final Duration STALE_PARTITION = Duration.ofMinutes(2);

  /** Firebase Auth's uid characters in Firestore's (byte) order; the key ranges split over them. */
  public static final String UID_ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

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

  /** Hands partitions to workers, each of which calls {@link #runPartition}. */
  public interface WorkQueue {
    /**
     * Queues work on one partition; idempotent by {@code taskName} (a second task of the same name
     * is dropped).
     */
    void enqueue(String operationId, int partition, String taskName);
  }

  /** The migration's settings ({@code ROUTING_FAILOVER_*}). */
  record Settings(int batchSize, int partitions, WriteRamp ramp, Duration workerBudget) {}

  private final Firestore db;
  private final RegionStore regions;
  private final UserPins pins;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Settings settings;
  private final BatchHook hook;
  private final WorkQueue queue;

  FailoverMigrator(
      Firestore db,
      RegionStore regions,
      UserPins pins,
      Clock clock,
      Sleeper sleeper,
      Settings settings,
      BatchHook hook,
      Function<FailoverMigrator, WorkQueue> queue) {
    this.db = db;
    this.regions = regions;
    this.pins = pins;
    this.clock = clock;
    this.sleeper = sleeper;
    this.settings = settings;
    this.hook = hook;
    this.queue = queue.apply(this);
  }

  /**
   * Continues {@code request.operationId()} (re-queueing its stale partitions), or starts (or
   * continues) the operation moving users from {@code request.fromRegion()} to {@code
   * request.toRegion()} and queues its partitions; answers with the operation at once.
   */
  FailoverOperation initiate(FailoverRequest request, String by) {
    if (request.operationId() != null) {
      FailoverOperation op = get(request.operationId());
      if (!op.finished()) {
        resumeStale(op.id());
      }
      return op;
    }
    return launch(
        start(request.fromRegion(), request.toRegion(), by, "initiateRegionFailover").id());
  }

  /** Queues every unfinished partition of the operation and returns its progress. */
  public FailoverOperation launch(String id) {
    for (FailoverPartition p : partitions(id)) {
      if (!p.finished()) {
        queue.enqueue(id, p.index(), taskName(id, p, ""));
      }
    }
    return get(id);
  }

  /**
   * Starts moving users from {@code from} to {@code to}, or returns the operation already running
   * for that pair. The target must be healthy or degraded (FAILED_PRECONDITION otherwise).
   */
  public FailoverOperation start(String from, String to, String startedBy, String reason) {
    return start(from, to, startedBy, reason, settings.partitions());
  }

  /** {@link #start} with {@code partitions} key ranges instead of the configured number. */
  public FailoverOperation start(
      String from, String to, String startedBy, String reason, int partitions) {
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
                      settings.batchSize(),
                      startedBy,
                      reason,
                      now,
                      now,
                      null,
                      partitions,
                      0);
              tx.create(ref(id), FailoverCodec.toDoc(op));
              for (FailoverPartition p : keyRanges(partitions, now)) {
                tx.create(partitionRef(id, p.index()), FailoverCodec.partition(p));
              }
              tx.update(regions.ref(from), RegionCodec.activeFailover(id));
              tx.create(regions.newEventRef(), RegionEventCodec.failoverStarted(op));
              return op;
            },
            RETRY));
  }

  /** The operation with its partitions' progress; NOT_FOUND if there is no such operation. */
  public FailoverOperation get(String id) {
    DocumentSnapshot doc = Firestores.await(ref(id).get());
    if (!doc.exists()) {
      throw ApiException.notFound("no failover operation " + id);
    }
    return withProgress(FailoverCodec.fromDoc(doc), partitions(id));
  }

  private static FailoverOperation withProgress(
      FailoverOperation op, List<FailoverPartition> parts) {
    if (parts.isEmpty()) {
      return op;
    }
    Instant updated = op.updatedAt();
    long moved = 0;
    long batches = 0;
    int done = 0;
    for (FailoverPartition p : parts) {
      moved += p.moved();
      batches += p.batches();
      done += p.finished() ? 1 : 0;
      if (p.updatedAt() != null && (updated == null || p.updatedAt().isAfter(updated))) {
        updated = p.updatedAt();
      }
    }
    return op.withProgress(moved, batches, done, updated);
  }

  List<FailoverPartition> partitions(String id) {
    return Firestores.await(ref(id).collection(FailoverCodec.PARTITION_COLLECTION).get())
        .getDocuments()
        .stream()
        .map(FailoverCodec::partitionFromDoc)
        .sorted((a, b) -> Integer.compare(a.index(), b.index()))
        .toList();
  }

  /**
   * Works every unfinished partition in this thread, one after the other, until the operation is
   * finished or {@code stopBy} has passed (tests and tools; workers use {@link #runPartition}).
   */
  public FailoverOperation run(String id, Instant stopBy) {
    for (FailoverPartition p : partitions(id)) {
      if (!p.finished() && clock.instant().isBefore(stopBy)) {
        runPartition(id, p.index(), stopBy, false);
      }
    }
    return get(id);
  }

  /**
   * A worker's turn on one partition: batches at the operation's ramped write rate until the
   * partition is finished or {@code stopBy}; then completes the operation if this was the last
   * partition, or (with {@code continueLater}) queues its own continuation.
   */
  public FailoverPartition runPartition(
      String id, int index, Instant stopBy, boolean continueLater) {
    FailoverPartition p = nextBatch(id, index);
    while (!p.finished() && clock.instant().isBefore(stopBy)) {
      p = nextBatch(id, index);
    }
    if (p.finished()) {
      finishIfDone(id);
    } else if (continueLater) {
      queue.enqueue(id, index, taskName(id, p, ""));
    }
    return p;
  }

  /**
   * Queues again every partition of running operations (or of {@code onlyId}) whose checkpoint has
   * not moved for {@link #STALE_PARTITION}: its worker crashed. Returns how many were queued.
   */
  public int resumeStale(String onlyId) {
    Instant now = clock.instant();
    List<String> ids =
        onlyId != null ? List.of(onlyId) : running().stream().map(FailoverOperation::id).toList();
    int queued = 0;
    for (String id : ids) {
      for (FailoverPartition p : partitions(id)) {
        if (!p.finished()
            && (p.updatedAt() == null || p.updatedAt().plus(STALE_PARTITION).isBefore(now))) {
          // A fresh name each minute: Cloud Tasks refuses a name used in the last hour.
          queue.enqueue(id, p.index(), taskName(id, p, "-r" + now.getEpochSecond() / 60));
          queued++;
        }
      }
      if (partitions(id).stream().allMatch(FailoverPartition::finished)) {
        finishIfDone(id); // the last worker crashed between its last batch and the completion
      }
    }
    return queued;
  }

  /** Running operations (for the dashboard and the resume job). */
  public List<FailoverOperation> running() {
    return Firestores.await(
            db.collection(OPERATIONS)
                .whereEqualTo(FailoverCodec.STATUS, FailoverOperation.RUNNING)
                .get())
        .getDocuments()
        .stream()
        .map(d -> withProgress(FailoverCodec.fromDoc(d), partitions(d.getId())))
        .toList();
  }

  private static String taskName(String id, FailoverPartition p, String suffix) {
    return id + "-p" + p.index() + "-b" + p.batches() + suffix;
  }

  /** {@code n} key ranges cut evenly over {@link #UID_ALPHABET}; the first and last are open. */
  static List<FailoverPartition> keyRanges(int n, Instant now) {
    List<FailoverPartition> ranges = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String start = i == 0 ? null : boundary(i, n);
      String end = i == n - 1 ? null : boundary(i + 1, n);
      ranges.add(new FailoverPartition(i, start, end, null, 0, 0, FailoverOperation.RUNNING, now));
    }
    return ranges;
  }

  private static String boundary(int i, int n) {
    return String.valueOf(UID_ALPHABET.charAt(i * UID_ALPHABET.length() / n));
  }

  private record Step(FailoverPartition partition, List<String> moved, int share) {}

  /**
   * Moves one batch of a partition and advances its checkpoint in one transaction, then waits out
   * the rest of the batch's share of the write rate.
   */
  FailoverPartition nextBatch(String id, int index) {
    DocumentReference opRef = ref(id);
    DocumentReference partRef = partitionRef(id, index);
    Instant began = clock.instant();
    FailoverOperation[] opSeen = new FailoverOperation[1];
    Step step =
        Firestores.await(
            db.runTransaction(
                tx -> {
                  DocumentSnapshot opDoc = tx.get(opRef).get();
                  DocumentSnapshot partDoc = tx.get(partRef).get();
                  if (!opDoc.exists() || !partDoc.exists()) {
                    throw ApiException.notFound(
                        "no failover operation " + id + " partition " + index);
                  }
                  FailoverOperation op = FailoverCodec.fromDoc(opDoc);
                  opSeen[0] = op;
                  FailoverPartition p = FailoverCodec.partitionFromDoc(partDoc);
                  if (p.finished()) {
                    return new Step(p, List.of(), op.partitions());
                  }
                  Query page = pins.pinnedTo(op.fromRegion());
                  if (p.startAt() != null) {
                    page = page.whereGreaterThanOrEqualTo(FieldPath.documentId(), p.startAt());
                  }
                  if (p.endBefore() != null) {
                    page = page.whereLessThan(FieldPath.documentId(), p.endBefore());
                  }
                  if (p.cursor() != null) {
                    page = page.startAfter(p.cursor());
                  }
                  List<QueryDocumentSnapshot> users =
                      tx.get(page.limit(op.batchSize())).get().getDocuments();
                  List<String> uids = users.stream().map(DocumentSnapshot::getId).toList();
                  long batch = p.batches() + (uids.isEmpty() ? 0 : 1);
                  Instant now = clock.instant();
                  if (!uids.isEmpty()) {
                    hook.beforeCommit(id, batch, uids);
                  }
                  String moveReason = "failover operation " + id;
                  for (QueryDocumentSnapshot user : users) {
                    tx.update(
                        user.getReference(),
                        PinCodec.migrated(
                            op.toRegion(),
                            op.fromRegion(),
                            PinCodec.fromDoc(user).home(),
                            now,
                            moveReason));
                  }
                  boolean last = uids.size() < op.batchSize();
                  FailoverPartition next =
                      new FailoverPartition(
                          index,
                          p.startAt(),
                          p.endBefore(),
                          uids.isEmpty() ? p.cursor() : uids.get(uids.size() - 1),
                          p.moved() + uids.size(),
                          batch,
                          last ? FailoverOperation.COMPLETED : FailoverOperation.RUNNING,
                          now);
                  tx.set(partRef, FailoverCodec.partition(next));
                  return new Step(next, uids, Math.max(1, op.partitions()));
                },
                RETRY));
    if (!step.moved().isEmpty()) {
      hook.afterCommit(id, step.partition().batches(), step.moved());
      pace(opSeen[0], step, began);
    }
    return step.partition();
  }

  /** Sleeps so this worker writes no faster than its share of the ramped rate. */
  private void pace(FailoverOperation op, Step step, Instant began) {
    Instant now = clock.instant();
    double perWorker =
        settings.ramp().writesPerSecond(Duration.between(op.startedAt(), now)) / step.share();
    Duration due = Duration.ofNanos((long) (step.moved().size() / perWorker * 1e9));
    Duration spent = Duration.between(began, now);
    if (due.compareTo(spent) > 0) {
      try {
        sleeper.sleep(due.minus(spent));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pacing a failover", e);
      }
    }
  }

  /**
   * Completes the operation if every partition is finished: sums the counts, clears the region's
   * pointer and records the event. Idempotent; concurrent callers conflict and one does it.
   */
  void finishIfDone(String id) {
    DocumentReference opRef = ref(id);
    Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot opDoc = tx.get(opRef).get();
              if (!opDoc.exists()) {
                return null;
              }
              FailoverOperation op = FailoverCodec.fromDoc(opDoc);
              List<FailoverPartition> parts =
                  tx
                      .get(opRef.collection(FailoverCodec.PARTITION_COLLECTION))
                      .get()
                      .getDocuments()
                      .stream()
                      .map(FailoverCodec::partitionFromDoc)
                      .toList();
              if (op.finished() || !parts.stream().allMatch(FailoverPartition::finished)) {
                return null;
              }
              Instant now = clock.instant();
              FailoverOperation done = withProgress(op, parts).completed(now);
              tx.update(opRef, FailoverCodec.progress(done));
              tx.update(regions.ref(op.fromRegion()), RegionCodec.activeFailover(null));
              tx.create(regions.newEventRef(), RegionEventCodec.failoverCompleted(done));
              Log.info(
                  "failover completed",
                  Map.of("operation", id, "moved", done.moved(), "partitions", parts.size()));
              return null;
            },
            RETRY));
  }

  private DocumentReference ref(String id) {
    return db.collection(OPERATIONS).document(id);
  }

  private DocumentReference partitionRef(String id, int index) {
    return ref(id).collection(FailoverCodec.PARTITION_COLLECTION).document(Integer.toString(index));
  }
}

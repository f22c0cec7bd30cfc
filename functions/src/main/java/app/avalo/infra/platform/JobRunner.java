package app.avalo.infra.platform;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs scheduled jobs the way Cloud Scheduler needs: at most one run of a job at a time (a lease in
 * Firestore), at most one successful run per scheduled time (Scheduler delivers at least once and
 * retries), and a run record {@code jobRuns/{job}@{scheduledFor}} with {job, scheduledFor,
 * startedAt, finishedAt, outcome, summary}.
 *
 * <p>The lease is a chain of documents {@code jobLeases/{job}~{generation}}: taking it means
 * creating the next generation, which Firestore lets exactly one contender do (create fails with
 * ALREADY_EXISTS for the others). That needs no transaction, so it holds on any Firestore,
 * including emulators whose transactions are not isolated. A lease expires after the job's timeout
 * plus a margin, so a crashed run never blocks the job for longer than that.
 */
public final class JobRunner {
  public static final String LEASES = "jobLeases";
  public static final String RUNS = "jobRuns";
  private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
  private static final int KEEP_GENERATIONS = 3;

  private final Firestore db;
  private final Clock clock;

  JobRunner(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** What a job body reports; {@code summary} is stored on the run record and returned. */
  public record Result(Map<String, Object> summary) {
    public static Result of(Map<String, Object> summary) {
      return new Result(summary);
    }

    /** A job's summary record, stored and answered as the same JSON object. */
    public static Result of(Record summary) {
      return new Result(Json.toPlainMap(summary));
    }
  }

  /** The body of a job. */
  @FunctionalInterface
  public interface Body {
    Result run(JobContext context) throws Exception;
  }

  /** How a delivery ended. {@code ran} is false when nothing was done (duplicate or lease held). */
  public record Outcome(
      String job, Instant scheduledFor, String outcome, boolean ran, Map<String, Object> summary) {}

  public Outcome run(String job, Instant scheduledFor, Duration timeout, Body body)
      throws Exception {
    DocumentReference runRef = db.collection(RUNS).document(job + "@" + scheduledFor);
    Outcome previous = finishedRun(job, scheduledFor, runRef);
    if (previous != null) {
      return previous;
    }
    Lease lease = tryAcquire(job, timeout.plus(LEASE_MARGIN));
    if (lease == null) {
      Log.info(
          "job skipped: another run holds the lease",
          Map.of("job", job, "scheduledFor", scheduledFor.toString()));
      return new Outcome(
          job,
          scheduledFor,
          "skipped",
          false,
          Map.of("reason", "another run of " + job + " is in progress"));
    }
    try {
      previous = finishedRun(job, scheduledFor, runRef);
      if (previous != null) {
        return previous;
      }
      Instant startedAt = clock.instant();
      DocumentSnapshot existing = Firestores.await(runRef.get());
      long attempt =
          existing.exists() && existing.getLong("attempts") != null
              ? existing.getLong("attempts") + 1
              : 1;
      Firestores.await(
          runRef.set(JobDocs.running(job, scheduledFor, startedAt, attempt, lease.holder())));
      JobContext context =
          new JobContext(
              job, scheduledFor, startedAt, startedAt.plus(timeout), clock, lease.generation());
      Result result;
      try {
        result = body.run(context);
      } catch (Exception | Error e) {
        String error =
            e instanceof ApiException api
                ? api.status() + ": " + api.getMessage()
                : e.getClass().getSimpleName();
        Firestores.await(runRef.update(JobDocs.failed(clock.instant(), error, context.progress())));
        throw e;
      }
      Map<String, Object> summary = new LinkedHashMap<>(result.summary());
      Firestores.await(runRef.update(JobDocs.succeeded(clock.instant(), summary)));
      return new Outcome(job, scheduledFor, "succeeded", true, summary);
    } finally {
      release(lease);
    }
  }

  private Outcome finishedRun(String job, Instant scheduledFor, DocumentReference runRef) {
    DocumentSnapshot run = Firestores.await(runRef.get());
    if (run.exists() && "succeeded".equals(run.getString("outcome"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> summary = (Map<String, Object>) run.get("summary");
      return new Outcome(
          job, scheduledFor, "duplicate", false, summary == null ? Map.of() : summary);
    }
    return null;
  }

  record Lease(String job, long generation, String holder) {}

  /** Takes the job's lease, or returns null when a live run holds it. */
  Lease tryAcquire(String job, Duration ttl) {
    Query latest =
        db.collection(LEASES)
            .whereEqualTo("job", job)
            .orderBy("generation", Query.Direction.DESCENDING)
            .limit(1);
    QuerySnapshot snapshot = Firestores.await(latest.get());
    long generation = 0;
    if (!snapshot.isEmpty()) {
      DocumentSnapshot current = snapshot.getDocuments().get(0);
      generation = current.getLong("generation");
      Instant expiresAt = Firestores.instant(current.getTimestamp("expiresAt"));
      boolean released = Boolean.TRUE.equals(current.getBoolean("released"));
      if (!released && expiresAt.isAfter(clock.instant())) {
        return null;
      }
    }
    long next = generation + 1;
    String holder = UUID.randomUUID().toString();
    Map<String, Object> doc = JobDocs.lease(job, next, holder, clock.instant(), ttl);
    if (!Firestores.createIfAbsent(leaseRef(job, next), doc)) {
      return null; // another contender created this generation first
    }
    return new Lease(job, next, holder);
  }

  void release(Lease lease) {
    try {
      Firestores.await(
          leaseRef(lease.job(), lease.generation())
              .update("released", true, "releasedAt", Firestores.timestamp(clock.instant())));
      long stale = lease.generation() - KEEP_GENERATIONS;
      if (stale > 0) {
        Firestores.await(leaseRef(lease.job(), stale).delete());
      }
    } catch (RuntimeException e) {
      // The lease then simply expires; the run itself is already recorded.
      Log.error(
          "could not release job lease",
          Map.of("job", lease.job(), "generation", lease.generation()),
          e);
    }
  }

  private DocumentReference leaseRef(String job, long generation) {
    return db.collection(LEASES).document(job + "~" + String.format("%012d", generation));
  }

  /** Ids of run records for a job, newest first (for status views). */
  public List<QueryDocumentSnapshot> recentRuns(String job, int limit) {
    return Firestores.await(
            db.collection(RUNS)
                .whereEqualTo("job", job)
                .orderBy("scheduledFor", Query.Direction.DESCENDING)
                .limit(limit)
                .get())
        .getDocuments();
  }
}

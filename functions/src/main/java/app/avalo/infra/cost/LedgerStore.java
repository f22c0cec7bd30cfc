package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.ShardedCounter;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger ({@link LedgerCodec}): period totals per service, event dedup records, per-user usage
 * per UTC day and per month.
 *
 * <p>Write-rate design (Firestore sustains about one write per second per document): period totals
 * are {@link ShardedCounter}s; per-user usage is one document per user per UTC day and per month,
 * bumped with server-side increments (a single user rarely exceeds a write per second for long; the
 * rate limiter keeps it so).
 */
final class LedgerStore {
  static final String COUNTERS = "costCounters";
  static final String USER_DAYS = "costUserDays";
  static final String USER_MONTHS = "costUserMonths";
  static final String EVENTS = "costEvents";

  /** Per-user daily usage is kept this long (Firestore TTL on {@code expireAt}). */
  private static final Duration USER_DAY_RETENTION = Duration.ofDays(100);

  private final Firestore db;
  private final ShardedCounter counters;

  LedgerStore(Firestore db, int counterShards) {
    this.db = db;
    this.counters = new ShardedCounter(db, COUNTERS, counterShards);
  }

  /**
   * Commits one cost atomically: the event's dedup record (when it has an id), the period's sharded
   * total, the user's day and month usage. Returns false when the event id was already recorded
   * (nothing is written then: the batch is all-or-nothing).
   */
  boolean commit(CostEntry entry, Instant expireEventAt) {
    BillingPeriod period = BillingPeriod.of(entry.at());
    WriteBatch batch = db.batch();
    if (entry.eventId() != null) {
      batch.create(
          db.collection(EVENTS).document(entry.eventId()),
          LedgerCodec.event(entry, period, expireEventAt));
    }
    counters.incrementIn(
        batch,
        counterId(period, entry.service()),
        LedgerCodec.totalDeltas(entry),
        LedgerCodec.totalLabels(period, entry.service()));
    if (entry.userId() != null) {
      String day = BillingPeriod.dayId(entry.at());
      batch.set(
          db.collection(USER_DAYS).document(day + "~" + entry.userId()),
          LedgerCodec.dayUsage(entry, period, day, entry.at().plus(USER_DAY_RETENTION)),
          SetOptions.merge());
      batch.set(
          db.collection(USER_MONTHS).document(period.id() + "~" + entry.userId()),
          LedgerCodec.monthUsage(entry, period),
          SetOptions.merge());
    }
    try {
      Firestores.await(batch.commit());
      return true;
    } catch (RuntimeException e) {
      if (entry.eventId() != null && Firestores.isAlreadyExists(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Adds to a period total inside the caller's batch: {@code costMicros} may be negative (a
   * restated billing-export hour that came out lower).
   */
  void addToTotal(
      WriteBatch batch, BillingPeriod period, CostService service, long micros, long events) {
    counters.incrementIn(
        batch,
        counterId(period, service),
        Map.of(LedgerCodec.COST_MICROS, micros, LedgerCodec.EVENTS, events),
        LedgerCodec.totalLabels(period, service));
  }

  /** The cost booked under an event id, if that event was recorded. */
  Optional<Long> recordedEventMicros(String eventId) {
    DocumentSnapshot doc = Firestores.await(db.collection(EVENTS).document(eventId).get());
    return doc.exists() ? Optional.ofNullable(LedgerCodec.eventMicros(doc)) : Optional.empty();
  }

  /** The key of a service's period, for its total and the caches that follow it. */
  static String counterId(BillingPeriod period, CostService service) {
    return period.id() + "~" + service.wire();
  }

  /**
   * A service's totals for a period: {@code costMicros}, {@code events}, the usage counts and the
   * breakdown counters.
   */
  Map<String, Long> periodTotals(BillingPeriod period, CostService service) {
    return counters.read(counterId(period, service));
  }

  /** A service's spend in a period, in micros. */
  long spentMicros(BillingPeriod period, CostService service) {
    return periodTotals(period, service).getOrDefault(LedgerCodec.COST_MICROS, 0L);
  }

  /** A page of per-user daily usage from {@code fromDay} (inclusive) on, in (day, id) order. */
  UsagePage userDaysFrom(String fromDay, DocumentSnapshot after, int limit) {
    Query query =
        db.collection(USER_DAYS)
            .whereGreaterThanOrEqualTo(LedgerCodec.DAY, fromDay)
            .orderBy(LedgerCodec.DAY)
            .limit(limit);
    if (after != null) {
      query = query.startAfter(after);
    }
    List<QueryDocumentSnapshot> docs = Firestores.await(query.get()).getDocuments();
    List<Usage> rows = new ArrayList<>(docs.size());
    docs.forEach(d -> rows.add(LedgerCodec.usage(d)));
    return new UsagePage(rows, docs.isEmpty() ? null : docs.get(docs.size() - 1));
  }

  /** The period's most expensive users (needs the composite index period ASC, costMicros DESC). */
  List<Usage> topUsers(BillingPeriod period, int limit) {
    List<Usage> rows = new ArrayList<>();
    Firestores.await(
            db.collection(USER_MONTHS)
                .whereEqualTo(LedgerCodec.PERIOD, period.id())
                .orderBy(LedgerCodec.COST_MICROS, Query.Direction.DESCENDING)
                .limit(limit)
                .get())
        .getDocuments()
        .forEach(d -> rows.add(LedgerCodec.usage(d)));
    return rows;
  }
}

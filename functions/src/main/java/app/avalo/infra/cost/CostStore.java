package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.ShardedCounter;
import com.google.cloud.firestore.AggregateField;
import com.google.cloud.firestore.AggregateQuerySnapshot;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.TransactionOptions;
import com.google.cloud.firestore.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * All of the cost domain's Firestore access; every collection name is defined here.
 *
 * <p>Write-rate design (Firestore sustains about one write per second per document): period totals
 * are {@link ShardedCounter}s; per-user usage is one document per user per UTC day and per month,
 * bumped with server-side increments (a single user rarely exceeds a write per second for long; the
 * rate limiter keeps it so); every other document changes rarely (configuration, budget state
 * transitions, overrides, flags).
 */
public final class CostStore {
  public static final String CONFIG = "costConfig";
  public static final String BUDGETS = "costBudgets";
  public static final String BUDGET_STATES = "costBudgetStates";
  public static final String OVERRIDES = "costThrottleOverrides";
  public static final String COUNTERS = "costCounters";
  public static final String USER_DAYS = "costUserDays";
  public static final String USER_MONTHS = "costUserMonths";
  public static final String EVENTS = "costEvents";
  public static final String RATE_LIMITS = "costRateLimits";
  public static final String ABUSE_THROTTLES = "costAbuseThrottles";
  public static final String FRAUD_FLAGS = "fraudFlags";
  public static final String REPORTS = "costReports";
  static final String PRICES_DOC = "prices";
  static final String RATE_LIMITS_DOC = "rateLimits";

  /** Per-user daily usage is kept this long (Firestore TTL on {@code expireAt}). */
  private static final Duration USER_DAY_RETENTION = Duration.ofDays(100);

  private final Firestore db;
  private final ShardedCounter counters;
  private final AtomicBoolean seeded = new AtomicBoolean();

  CostStore(Firestore db, int counterShards) {
    this.db = db;
    this.counters = new ShardedCounter(db, COUNTERS, counterShards);
  }

  Firestore db() {
    return db;
  }

  // ---- configuration (seeded from code defaults when missing; never overwritten) ----

  /** {@link #seedDefaults()} once per instance (the documents are never deleted by the code). */
  void ensureSeeded() {
    if (seeded.compareAndSet(false, true)) {
      seedDefaults();
    }
  }

  /** Creates each missing configuration document from the defaults; an admin's edits are kept. */
  void seedDefaults() {
    createIfMissing(db.collection(CONFIG).document(PRICES_DOC), PriceTable.defaults().toDocument());
    createIfMissing(
        db.collection(CONFIG).document(RATE_LIMITS_DOC),
        RateLimit.toDocument(RateLimit.defaults()));
    BudgetPolicy.defaults()
        .forEach(
            (service, policy) ->
                createIfMissing(
                    db.collection(BUDGETS).document(service.wire()), policy.toDocument()));
  }

  private void createIfMissing(DocumentReference ref, Map<String, Object> doc) {
    if (!Firestores.await(ref.get()).exists()) { // a read is cheaper than a failing create
      Firestores.createIfAbsent(ref, doc);
    }
  }

  PriceTable prices() {
    DocumentSnapshot doc = Firestores.await(db.collection(CONFIG).document(PRICES_DOC).get());
    return doc.exists() ? PriceTable.fromDocument(doc.getData()) : PriceTable.defaults();
  }

  void savePrices(PriceTable prices) {
    Firestores.await(db.collection(CONFIG).document(PRICES_DOC).set(prices.toDocument()));
  }

  Map<CostService, RateLimit> rateLimits() {
    DocumentSnapshot doc = Firestores.await(db.collection(CONFIG).document(RATE_LIMITS_DOC).get());
    return doc.exists() ? RateLimit.fromDocument(doc.getData()) : RateLimit.defaults();
  }

  void saveRateLimits(Map<CostService, RateLimit> limits) {
    Firestores.await(
        db.collection(CONFIG).document(RATE_LIMITS_DOC).set(RateLimit.toDocument(limits)));
  }

  /**
   * The stored budgets, or SPEC's defaults before they are seeded. A malformed budget document is
   * logged and left out (its service is then unbudgeted) rather than failing every request.
   */
  Map<CostService, BudgetPolicy> budgets() {
    List<QueryDocumentSnapshot> docs =
        Firestores.await(db.collection(BUDGETS).get()).getDocuments();
    if (docs.isEmpty()) {
      return BudgetPolicy.defaults();
    }
    Map<CostService, BudgetPolicy> budgets = new EnumMap<>(CostService.class);
    for (QueryDocumentSnapshot doc : docs) {
      Optional<CostService> service = CostService.fromWire(doc.getId());
      try {
        if (service.isEmpty()) {
          throw new IllegalStateException("costBudgets/" + doc.getId() + ": not a known service");
        }
        budgets.put(service.get(), BudgetPolicy.fromDocument(service.get(), doc.getData()));
      } catch (IllegalStateException e) {
        Log.error(
            "ignoring malformed budget: " + e.getMessage(), Map.of("budget", doc.getId()), null);
      }
    }
    return budgets;
  }

  void saveBudget(BudgetPolicy policy) {
    Firestores.await(
        db.collection(BUDGETS).document(policy.service().wire()).set(policy.toDocument()));
  }

  // ---- throttle overrides ----

  /** An admin's "do not throttle this service until …". */
  public record ThrottleOverride(
      CostService service, Instant until, String reason, String by, Instant createdAt) {
    public boolean activeAt(Instant now) {
      return until.isAfter(now);
    }
  }

  Map<CostService, ThrottleOverride> overrides() {
    Map<CostService, ThrottleOverride> overrides = new EnumMap<>(CostService.class);
    for (QueryDocumentSnapshot doc :
        Firestores.await(db.collection(OVERRIDES).get()).getDocuments()) {
      CostService.fromWire(doc.getId())
          .ifPresent(
              service ->
                  overrides.put(
                      service,
                      new ThrottleOverride(
                          service,
                          Firestores.instant(doc.getTimestamp("until")),
                          doc.getString("reason"),
                          doc.getString("by"),
                          Firestores.instant(doc.getTimestamp("createdAt")))));
    }
    return overrides;
  }

  void saveOverride(ThrottleOverride override) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("service", override.service().wire());
    doc.put("until", Firestores.timestamp(override.until()));
    doc.put("reason", override.reason());
    doc.put("by", override.by());
    doc.put("createdAt", Firestores.timestamp(override.createdAt()));
    Firestores.await(db.collection(OVERRIDES).document(override.service().wire()).set(doc));
  }

  // ---- the ledger ----

  /** What one recorded cost adds to the counters. */
  record Entry(
      CostService service,
      long costMicros,
      String userId,
      String eventId,
      Instant at,
      Map<String, Long> counts,
      List<String> breakdown) {}

  /**
   * Commits one cost atomically: the event's dedup record (when it has an id), the period's sharded
   * total, the user's day and month usage. Returns false when the event id was already recorded
   * (nothing is written then: the batch is all-or-nothing).
   */
  boolean commit(Entry entry, Instant expireEventAt) {
    BillingPeriod period = BillingPeriod.of(entry.at());
    WriteBatch batch = db.batch();
    if (entry.eventId() != null) {
      Map<String, Object> event = new HashMap<>();
      event.put("service", entry.service().wire());
      event.put("userId", entry.userId());
      event.put("costMicros", entry.costMicros());
      event.put("period", period.id());
      event.put("at", Firestores.timestamp(entry.at()));
      event.put("expireAt", Firestores.timestamp(expireEventAt));
      batch.create(db.collection(EVENTS).document(entry.eventId()), event);
    }
    Map<String, Long> deltas = new LinkedHashMap<>(entry.counts());
    deltas.put("costMicros", entry.costMicros());
    deltas.put("events", 1L);
    for (String key : entry.breakdown()) {
      deltas.put(key, entry.costMicros());
    }
    counters.incrementIn(
        batch,
        counterId(period, entry.service()),
        deltas,
        Map.of("period", period.id(), "service", entry.service().wire()));
    if (entry.userId() != null) {
      String day = BillingPeriod.dayId(entry.at());
      Map<String, Object> usage = new HashMap<>();
      usage.put("userId", entry.userId());
      usage.put("period", period.id());
      usage.put("costMicros", FieldValue.increment(entry.costMicros()));
      usage.put("events", FieldValue.increment(1L));
      usage.put(
          "costMicros_" + entry.service().fieldSuffix(), FieldValue.increment(entry.costMicros()));
      Map<String, Object> daily = new HashMap<>(usage);
      daily.put("day", day);
      daily.put("expireAt", Firestores.timestamp(entry.at().plus(USER_DAY_RETENTION)));
      batch.set(
          db.collection(USER_DAYS).document(day + "~" + entry.userId()), daily, SetOptions.merge());
      batch.set(
          db.collection(USER_MONTHS).document(period.id() + "~" + entry.userId()),
          usage,
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

  /** The cost booked under an event id, if that event was recorded. */
  Optional<Long> recordedEventMicros(String eventId) {
    DocumentSnapshot doc = Firestores.await(db.collection(EVENTS).document(eventId).get());
    return doc.exists() ? Optional.ofNullable(doc.getLong("costMicros")) : Optional.empty();
  }

  static String counterId(BillingPeriod period, CostService service) {
    return period.id() + "~" + service.wire();
  }

  /** A service's totals for a period: {@code costMicros}, {@code events} and per-service counts. */
  Map<String, Long> periodTotals(BillingPeriod period, CostService service) {
    return counters.read(counterId(period, service));
  }

  // ---- budget state (one document per service and period; changes only at thresholds) ----

  /**
   * The outcome of recording reached levels: whether the state document was new, and what is now
   * recorded.
   */
  record LevelChange(
      boolean createdPeriod,
      Set<BudgetPolicy.Level> recorded,
      Set<BudgetPolicy.Level> newlyReached) {}

  LevelChange recordLevels(
      BillingPeriod period, CostService service, Set<BudgetPolicy.Level> reached, Instant now) {
    DocumentReference ref =
        db.collection(BUDGET_STATES).document(period.id() + "~" + service.wire());
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot snap = tx.get(ref).get();
              Set<BudgetPolicy.Level> recorded = levelsIn(snap);
              Set<BudgetPolicy.Level> newly = EnumSet.noneOf(BudgetPolicy.Level.class);
              newly.addAll(reached);
              newly.removeAll(recorded);
              if (!snap.exists()) {
                Map<String, Object> doc = new HashMap<>();
                doc.put("service", service.wire());
                doc.put("period", period.id());
                doc.put("openedAt", Firestores.timestamp(now));
                for (BudgetPolicy.Level level : BudgetPolicy.Level.values()) {
                  doc.put(level.field(), newly.contains(level) ? Firestores.timestamp(now) : null);
                }
                tx.create(ref, doc);
              } else if (!newly.isEmpty()) {
                Map<String, Object> update = new HashMap<>();
                newly.forEach(level -> update.put(level.field(), Firestores.timestamp(now)));
                tx.update(ref, update);
              }
              Set<BudgetPolicy.Level> all = EnumSet.noneOf(BudgetPolicy.Level.class);
              all.addAll(recorded);
              all.addAll(newly);
              return new LevelChange(!snap.exists(), all, newly);
            },
            TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(20).build()));
  }

  /** When each level was first reached in the period (absent levels were not reached). */
  Map<BudgetPolicy.Level, Instant> levelTimes(BillingPeriod period, CostService service) {
    DocumentSnapshot snap =
        Firestores.await(
            db.collection(BUDGET_STATES).document(period.id() + "~" + service.wire()).get());
    Map<BudgetPolicy.Level, Instant> times = new EnumMap<>(BudgetPolicy.Level.class);
    for (BudgetPolicy.Level level : BudgetPolicy.Level.values()) {
      Instant at = snap.exists() ? Firestores.instant(snap.getTimestamp(level.field())) : null;
      if (at != null) {
        times.put(level, at);
      }
    }
    return times;
  }

  private static Set<BudgetPolicy.Level> levelsIn(DocumentSnapshot snap) {
    Set<BudgetPolicy.Level> levels = EnumSet.noneOf(BudgetPolicy.Level.class);
    if (snap.exists()) {
      for (BudgetPolicy.Level level : BudgetPolicy.Level.values()) {
        if (snap.get(level.field()) != null) {
          levels.add(level);
        }
      }
    }
    return levels;
  }

  // ---- per-user usage ----

  /** One user's usage document (a day or a month). */
  record Usage(String userId, long costMicros, long events, Map<CostService, Long> byService) {}

  private static Usage usage(DocumentSnapshot doc) {
    Map<CostService, Long> byService = new EnumMap<>(CostService.class);
    for (CostService service : CostService.values()) {
      Long micros = doc.getLong("costMicros_" + service.fieldSuffix());
      if (micros != null) {
        byService.put(service, micros);
      }
    }
    Long cost = doc.getLong("costMicros");
    Long events = doc.getLong("events");
    return new Usage(
        doc.getString("userId"), cost == null ? 0 : cost, events == null ? 0 : events, byService);
  }

  /** A page of per-user daily usage from {@code fromDay} (inclusive) on, in (day, id) order. */
  record UsagePage(List<Usage> rows, DocumentSnapshot last) {}

  UsagePage userDaysFrom(String fromDay, DocumentSnapshot after, int limit) {
    Query query =
        db.collection(USER_DAYS)
            .whereGreaterThanOrEqualTo("day", fromDay)
            .orderBy("day")
            .limit(limit);
    if (after != null) {
      query = query.startAfter(after);
    }
    List<QueryDocumentSnapshot> docs = Firestores.await(query.get()).getDocuments();
    List<Usage> rows = new ArrayList<>(docs.size());
    docs.forEach(d -> rows.add(usage(d)));
    return new UsagePage(rows, docs.isEmpty() ? null : docs.get(docs.size() - 1));
  }

  /** The period's most expensive users (needs the composite index period ASC, costMicros DESC). */
  List<Usage> topUsers(BillingPeriod period, int limit) {
    List<Usage> rows = new ArrayList<>();
    Firestores.await(
            db.collection(USER_MONTHS)
                .whereEqualTo("period", period.id())
                .orderBy("costMicros", Query.Direction.DESCENDING)
                .limit(limit)
                .get())
        .getDocuments()
        .forEach(d -> rows.add(usage(d)));
    return rows;
  }

  // ---- abuse throttles and fraud flags ----

  Optional<Instant> abuseThrottledUntil(String userId) {
    DocumentSnapshot doc = Firestores.await(db.collection(ABUSE_THROTTLES).document(userId).get());
    return doc.exists()
        ? Optional.ofNullable(Firestores.instant(doc.getTimestamp("until")))
        : Optional.empty();
  }

  long activeAbuseThrottles(Instant now) {
    AggregateQuerySnapshot snap =
        Firestores.await(
            db.collection(ABUSE_THROTTLES)
                .whereGreaterThan("until", Firestores.timestamp(now))
                .count()
                .get());
    return snap.getCount();
  }

  /** A flagged user: the flag of the day (created or refreshed) and the throttle, in one batch. */
  record Flag(
      String userId,
      String day,
      long costMicros,
      long thresholdMicros,
      long medianMicros,
      long madMicros,
      int population,
      String rule,
      Instant detectedAt,
      Instant throttledUntil,
      int windowDays) {}

  /** Writes the flag; returns how many times this user has been detected today (1 on the first). */
  long saveFlag(Flag flag) {
    DocumentReference ref = db.collection(FRAUD_FLAGS).document(flag.day() + "~" + flag.userId());
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot existing = tx.get(ref).get();
              long detections =
                  existing.exists() && existing.getLong("detections") != null
                      ? existing.getLong("detections") + 1
                      : 1;
              Map<String, Object> doc = new HashMap<>();
              doc.put("userId", flag.userId());
              doc.put("day", flag.day());
              doc.put("windowDays", (long) flag.windowDays());
              doc.put("costMinor", Money.toMinor(flag.costMicros()));
              doc.put("thresholdMinor", Money.toMinor(flag.thresholdMicros()));
              doc.put("medianMinor", Money.toMinor(flag.medianMicros()));
              doc.put("madMinor", Money.toMinor(flag.madMicros()));
              doc.put("population", (long) flag.population());
              doc.put("rule", flag.rule());
              doc.put("status", "open");
              doc.put("detections", detections);
              doc.put("lastDetectedAt", Firestores.timestamp(flag.detectedAt()));
              doc.put(
                  "firstDetectedAt",
                  existing.exists() && existing.getTimestamp("firstDetectedAt") != null
                      ? existing.getTimestamp("firstDetectedAt")
                      : Firestores.timestamp(flag.detectedAt()));
              doc.put("throttledUntil", Firestores.timestamp(flag.throttledUntil()));
              tx.set(ref, doc);
              Map<String, Object> throttle = new HashMap<>();
              throttle.put("userId", flag.userId());
              throttle.put("until", Firestores.timestamp(flag.throttledUntil()));
              throttle.put("reason", "cost anomaly: " + flag.rule());
              throttle.put("flagId", ref.getId());
              throttle.put("updatedAt", Firestores.timestamp(flag.detectedAt()));
              tx.set(db.collection(ABUSE_THROTTLES).document(flag.userId()), throttle);
              return detections;
            }));
  }

  // ---- reports ----

  void saveReport(BillingPeriod period, Map<String, Object> doc) {
    Firestores.await(db.collection(REPORTS).document(period.id()).set(doc));
  }

  Optional<Map<String, Object>> report(BillingPeriod period) {
    DocumentSnapshot doc = Firestores.await(db.collection(REPORTS).document(period.id()).get());
    return doc.exists() ? Optional.of(doc.getData()) : Optional.empty();
  }

  // ---- the app's own collections (read-only, aggregation queries) ----

  /** {@code count()} of documents in {@code collection} whose {@code field} lies in [from, to). */
  long countIn(String collection, String field, Instant from, Instant to) {
    return Firestores.await(
            db.collection(collection)
                .whereGreaterThanOrEqualTo(field, Firestores.timestamp(from))
                .whereLessThan(field, Firestores.timestamp(to))
                .count()
                .get())
        .getCount();
  }

  /**
   * Count and sum of {@code sumField} over documents with {@code status} and {@code field} in
   * [from, to).
   */
  record CountAndSum(long count, long sum) {}

  CountAndSum countAndSum(
      String collection, String status, String field, Instant from, Instant to, String sumField) {
    AggregateField sum = AggregateField.sum(sumField);
    AggregateQuerySnapshot snap =
        Firestores.await(
            db.collection(collection)
                .whereEqualTo("status", status)
                .whereGreaterThanOrEqualTo(field, Firestores.timestamp(from))
                .whereLessThan(field, Firestores.timestamp(to))
                .aggregate(AggregateField.count(), sum)
                .get());
    Object total = snap.get(sum);
    long summed;
    if (total == null) {
      summed = 0;
    } else if (total instanceof Long n) {
      summed = n;
    } else if (total instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) < 9.0e15) {
      summed = n.longValue();
    } else {
      throw new IllegalStateException(
          collection
              + "."
              + sumField
              + " holds non-integer amounts (sum "
              + total
              + "); money must be integer minor units");
    }
    return new CountAndSum(snap.getCount(), summed);
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The billing inputs ({@link BillingCodec}): imported export lines and the latest budget
 * notification per service and month.
 *
 * <p>A line and its effect on the period total commit in one batch: the line document holds what is
 * booked for its (hour, service, SKU), and the total moves by the difference to what was booked
 * before, so a restated hour replaces its amount and a re-run adds nothing. Only the import job
 * writes lines, and the job runner never lets two runs overlap, so reading the booked amounts and
 * then writing the differences needs no transaction.
 */
final class BillingStore {
  static final String LINES = "costBillingLines";
  static final String NOTICES = "costBillingNotices";

  /** Firestore allows 500 writes per batch: lines plus one total increment per period~service. */
  private static final int LINES_PER_BATCH = 400;

  /** Lines are kept past any restatement and the yearly report (Firestore TTL on expireAt). */
  private static final Duration LINE_RETENTION = Duration.ofDays(400);

  private final Firestore db;
  private final LedgerStore ledger;

  BillingStore(Firestore db, LedgerStore ledger) {
    this.db = db;
    this.ledger = ledger;
  }

  /** What is booked for each line whose hour is in {@code [from, to)}, by line id. */
  Map<String, Long> bookedBetween(Instant from, Instant to) {
    Map<String, Long> booked = new HashMap<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(
                db.collection(LINES)
                    .whereGreaterThanOrEqualTo(BillingCodec.HOUR, Firestores.timestamp(from))
                    .whereLessThan(BillingCodec.HOUR, Firestores.timestamp(to))
                    .get())
            .getDocuments()) {
      booked.put(doc.getId(), BillingCodec.lineMicros(doc));
    }
    return booked;
  }

  /** A line to book and what was booked for it before (null: a new line). */
  record Change(BilledLine line, Long previousMicros) {}

  /**
   * Books the changes: each batch writes its lines and moves each affected period total by the
   * lines' differences (a new line also counts as one event).
   */
  void book(List<Change> changes, Instant now) {
    for (int start = 0; start < changes.size(); start += LINES_PER_BATCH) {
      List<Change> chunk =
          changes.subList(start, Math.min(changes.size(), start + LINES_PER_BATCH));
      WriteBatch batch = db.batch();
      Map<String, long[]> deltas = new LinkedHashMap<>();
      Map<String, Change> keys = new HashMap<>();
      for (Change change : chunk) {
        BilledLine line = change.line();
        batch.set(
            db.collection(LINES).document(line.id()),
            BillingCodec.line(line, now, line.hour().plus(LINE_RETENTION)));
        String key = LedgerStore.counterId(line.period(), line.service());
        long[] d = deltas.computeIfAbsent(key, k -> new long[2]);
        d[0] += line.costMicros() - (change.previousMicros() == null ? 0 : change.previousMicros());
        d[1] += change.previousMicros() == null ? 1 : 0;
        keys.putIfAbsent(key, change);
      }
      deltas.forEach(
          (key, d) -> {
            BilledLine line = keys.get(key).line();
            ledger.addToTotal(batch, line.period(), line.service(), d[0], d[1]);
          });
      Firestores.await(batch.commit());
    }
  }

  Optional<BudgetNotice> notice(BillingPeriod period, CostService service) {
    return BillingCodec.notice(Firestores.await(noticeDoc(period, service).get()));
  }

  /**
   * Keeps {@code notice} unless a notification published later is already kept (Pub/Sub does not
   * keep order and redelivers). Returns whether it was kept.
   */
  boolean keepIfNewer(BudgetNotice notice) {
    DocumentReference ref = noticeDoc(notice.period(), notice.service());
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              Optional<BudgetNotice> kept = BillingCodec.notice(doc);
              if (kept.isPresent() && !notice.publishedAt().isAfter(kept.get().publishedAt())) {
                return false;
              }
              tx.set(ref, BillingCodec.notice(notice));
              return true;
            }));
  }

  private DocumentReference noticeDoc(BillingPeriod period, CostService service) {
    return db.collection(NOTICES).document(LedgerStore.counterId(period, service));
  }
}

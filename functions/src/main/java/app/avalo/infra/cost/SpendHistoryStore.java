package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.WriteBatch;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Each service's month-to-date spend, sampled hourly ({@code costSpendHistory/{yyyy-MM}~{service}}:
 * {@code points: {yyyyMMddHH: costMicros}}), for the forecast's trailing-window rate. One document
 * per service and month, written once an hour: at most 744 points.
 */
final class SpendHistoryStore {
  static final String HISTORY = "costSpendHistory";
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH");

  private final Firestore db;

  SpendHistoryStore(Firestore db) {
    this.db = db;
  }

  /** Records {@code spent} (micros per service) as the period's point for {@code hour}. */
  void record(BillingPeriod period, Instant hour, Map<CostService, Long> spent) {
    WriteBatch batch = db.batch();
    String key = BillingPeriod.hourId(hour);
    spent.forEach(
        (service, micros) ->
            batch.set(
                db.collection(HISTORY).document(LedgerStore.counterId(period, service)),
                Map.of(
                    "service",
                    service.wire(),
                    "period",
                    period.id(),
                    "points",
                    Map.of(key, micros)),
                SetOptions.merge()));
    Firestores.await(batch.commit());
  }

  /** The period's points by hour. */
  NavigableMap<Instant, Long> points(BillingPeriod period, CostService service) {
    DocumentSnapshot doc =
        Firestores.await(
            db.collection(HISTORY).document(LedgerStore.counterId(period, service)).get());
    NavigableMap<Instant, Long> points = new TreeMap<>();
    Object raw = doc.exists() ? doc.get("points") : null;
    if (raw instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            if (v instanceof Long micros) {
              points.put(LocalDateTime.parse(k.toString(), HOUR).toInstant(ZoneOffset.UTC), micros);
            }
          });
    }
    return points;
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What suspends or imposes a throttle ({@link ThrottleCodec}): admin overrides of budget throttles
 * ({@code costThrottleOverrides}), and fraud detection's flags ({@code fraudFlags}) with the abuse
 * throttles they impose ({@code costAbuseThrottles}). Each changes rarely.
 */
final class ThrottleStore {
  static final String OVERRIDES = "costThrottleOverrides";
  static final String ABUSE_THROTTLES = "costAbuseThrottles";
  static final String FRAUD_FLAGS = "fraudFlags";

  private final Firestore db;

  ThrottleStore(Firestore db) {
    this.db = db;
  }

  Map<CostService, ThrottleOverride> overrides() {
    Map<CostService, ThrottleOverride> overrides = new EnumMap<>(CostService.class);
    for (QueryDocumentSnapshot doc :
        Firestores.await(db.collection(OVERRIDES).get()).getDocuments()) {
      CostService.fromWire(doc.getId())
          .ifPresent(service -> overrides.put(service, ThrottleCodec.fromOverride(service, doc)));
    }
    return overrides;
  }

  void saveOverride(ThrottleOverride override) {
    Firestores.await(
        db.collection(OVERRIDES)
            .document(override.service().wire())
            .set(ThrottleCodec.toOverride(override)));
  }

  Optional<Instant> abuseThrottledUntil(String userId) {
    return ThrottleCodec.abuseThrottledUntil(
        Firestores.await(db.collection(ABUSE_THROTTLES).document(userId).get()));
  }

  long activeAbuseThrottles(Instant now) {
    return Firestores.await(
            db.collection(ABUSE_THROTTLES)
                .whereGreaterThan(ThrottleCodec.UNTIL, Firestores.timestamp(now))
                .count()
                .get())
        .getCount();
  }

  /**
   * Writes the flag of the day (created or refreshed) and the user's throttle in one transaction;
   * returns how many times this user has been detected today (1 on the first).
   */
  long saveFlag(FraudFlag flag) {
    DocumentReference ref = db.collection(FRAUD_FLAGS).document(flag.day() + "~" + flag.userId());
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot existing = tx.get(ref).get();
              long detections = ThrottleCodec.detections(existing) + 1;
              tx.set(ref, ThrottleCodec.toFlag(flag, existing, detections));
              tx.set(
                  db.collection(ABUSE_THROTTLES).document(flag.userId()),
                  ThrottleCodec.toAbuseThrottle(flag, ref.getId()));
              return detections;
            }));
  }
}

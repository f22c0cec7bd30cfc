package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.util.Map;

/**
 * The editable prices and per-user rate limits, {@code costConfig/prices} and {@code
 * costConfig/rateLimits} ({@link PricingCodec}); seeded from code defaults when missing, never
 * overwritten by the code.
 */
final class PricingStore {
  static final String CONFIG = "costConfig";
  static final String PRICES_DOC = "prices";
  static final String RATE_LIMITS_DOC = "rateLimits";

  private final Firestore db;

  PricingStore(Firestore db) {
    this.db = db;
  }

  /** Creates each missing configuration document from the defaults; an admin's edits are kept. */
  void seedDefaults() {
    createIfMissing(prices(db), PricingCodec.toPrices(PriceTable.defaults()));
    createIfMissing(rateLimits(db), PricingCodec.toRateLimits(RateLimit.defaults()));
  }

  static void createIfMissing(DocumentReference ref, Map<String, Object> doc) {
    if (!Firestores.await(ref.get()).exists()) { // a read is cheaper than a failing create
      Firestores.createIfAbsent(ref, doc);
    }
  }

  PriceTable prices() {
    DocumentSnapshot doc = Firestores.await(prices(db).get());
    return doc.exists() ? PricingCodec.fromPrices(doc.getData()) : PriceTable.defaults();
  }

  void savePrices(PriceTable prices) {
    Firestores.await(prices(db).set(PricingCodec.toPrices(prices)));
  }

  Map<CostService, RateLimit> rateLimits() {
    DocumentSnapshot doc = Firestores.await(rateLimits(db).get());
    return doc.exists() ? PricingCodec.fromRateLimits(doc.getData()) : RateLimit.defaults();
  }

  void saveRateLimits(Map<CostService, RateLimit> limits) {
    Firestores.await(rateLimits(db).set(PricingCodec.toRateLimits(limits)));
  }

  private static DocumentReference prices(Firestore db) {
    return db.collection(CONFIG).document(PRICES_DOC);
  }

  private static DocumentReference rateLimits(Firestore db) {
    return db.collection(CONFIG).document(RATE_LIMITS_DOC);
  }
}

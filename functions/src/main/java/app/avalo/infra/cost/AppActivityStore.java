package app.avalo.infra.cost;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.AggregateField;
import com.google.cloud.firestore.AggregateQuerySnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Instant;

/**
 * Read-only aggregation queries over the app's own collections (no documents are downloaded), for
 * {@link CostMetrics}: the activity a period's spend is set against. The app owns these documents;
 * this names only the fields the queries filter and sum on.
 */
final class AppActivityStore {
  static final String USERS = "users";
  static final String CHATS = "chats";
  static final String CALLS = "calls";
  static final String PAYMENTS = "payments";
  static final String PAYMENT_SUCCEEDED = "succeeded";

  private final Firestore db;

  AppActivityStore(Firestore db) {
    this.db = db;
  }

  /** {@code users} with {@code lastActiveAt} in the period. */
  long activeUsers(BillingPeriod period) {
    return countIn(USERS, "lastActiveAt", period);
  }

  /** {@code chats} with {@code createdAt} in the period. */
  long chatsStarted(BillingPeriod period) {
    return countIn(CHATS, "createdAt", period);
  }

  /** {@code calls} with {@code startedAt} in the period. */
  long callsStarted(BillingPeriod period) {
    return countIn(CALLS, "startedAt", period);
  }

  /**
   * Count and sum of {@code amountMinor} over {@code payments} with status {@code succeeded} and
   * {@code createdAt} in the period (index: status, createdAt).
   */
  CountAndSum succeededPayments(BillingPeriod period) {
    return countAndSum(PAYMENTS, PAYMENT_SUCCEEDED, "createdAt", period, "amountMinor");
  }

  /** {@code count()} of documents in {@code collection} whose {@code field} lies in the period. */
  private long countIn(String collection, String field, BillingPeriod period) {
    return Firestores.await(
            db.collection(collection)
                .whereGreaterThanOrEqualTo(field, Firestores.timestamp(period.start()))
                .whereLessThan(field, Firestores.timestamp(period.end()))
                .count()
                .get())
        .getCount();
  }

  private CountAndSum countAndSum(
      String collection, String status, String field, BillingPeriod period, String sumField) {
    AggregateField sum = AggregateField.sum(sumField);
    Instant from = period.start();
    Instant to = period.end();
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

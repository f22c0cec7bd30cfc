package app.avalo.infra.cost;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rate limiter's state, {@code costRateLimits/{service}~{uid}}: {@code service}, {@code
 * userId}, the theoretical arrival time {@code tatMicros} (epoch microseconds) and {@code expireAt}
 * one day after it (idle state is worthless once the TAT is in the past, so a TTL policy may remove
 * it).
 */
final class RateLimitStore {
  static final String RATE_LIMITS = "costRateLimits";

  private final Firestore db;
  private final TransactionOptions options;

  RateLimitStore(Firestore db, int attempts) {
    this.db = db;
    this.options =
        TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(attempts).build();
  }

  /**
   * What one decision does to the state: {@code tatMicros} is written when {@code write} (a batch
   * that allowed nothing writes nothing).
   */
  record Step<T>(T result, long tatMicros, boolean write) {}

  /**
   * Reads the stored TAT, lets {@code decide} step it and writes the new one, in one transaction
   * ({@code decide} runs again on every retry). Empty when the transaction still conflicted after
   * all attempts.
   */
  <T> Optional<Step<T>> update(
      CostService service, String userId, Function<Optional<Long>, Step<T>> decide) {
    DocumentReference ref = db.collection(RATE_LIMITS).document(key(service, userId));
    try {
      return Optional.of(
          Firestores.await(
              db.runTransaction(
                  tx -> {
                    DocumentSnapshot snap = tx.get(ref).get();
                    Optional<Long> stored =
                        snap.exists()
                            ? DocReader.of(snap).optionalLong("tatMicros")
                            : Optional.empty();
                    Step<T> step = decide.apply(stored);
                    if (step.write()) {
                      tx.set(ref, toDocument(service, userId, step.tatMicros()));
                    }
                    return step;
                  },
                  options)));
    } catch (RuntimeException e) {
      if (!isAborted(e)) {
        throw e;
      }
      return Optional.empty();
    }
  }

  static String key(CostService service, String userId) {
    return service.wire() + "~" + userId;
  }

  private static Map<String, Object> toDocument(CostService service, String userId, long tat) {
    return DocWriter.create()
        .field("service", service.wire())
        .field("userId", userId)
        .field("tatMicros", tat)
        .field("expireAt", Instant.ofEpochSecond(0, tat * 1000).plus(Duration.ofDays(1)))
        .map();
  }

  private static boolean isAborted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApiException api
          && api.getStatusCode().getCode() == StatusCode.Code.ABORTED) {
        return true;
      }
    }
    return false;
  }
}

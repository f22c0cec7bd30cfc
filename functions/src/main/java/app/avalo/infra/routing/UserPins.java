package app.avalo.infra.routing;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Users' region pins ({@code userRegionMappings/{uid}}: one region per user for every pinned
 * service) and the record of each pin move ({@code userRegionEvents}). A pin is written only when
 * it is first assigned or moves; moves are transactions, so two requests failing the same user over
 * at once move them once.
 */
final class UserPins {
  static final String MAPPINGS = "userRegionMappings";
  static final String EVENTS = "userRegionEvents";

  /** How long the hot path waits for a pin read or move before answering without it. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  private final Firestore db;
  private final LongAdder reads = new LongAdder();

  UserPins(Firestore db) {
    this.db = db;
  }

  /** The user's pin; a {@link TimeoutException} after {@link #CALL_TIMEOUT}. */
  Optional<Pin> find(String uid) throws TimeoutException {
    reads.increment();
    DocumentSnapshot doc = Firestores.await(ref(uid).get(), CALL_TIMEOUT);
    return doc.exists() ? Optional.of(PinCodec.fromDoc(doc)) : Optional.empty();
  }

  /** Pin documents read so far by this instance's routing (the benchmark's reads per call). */
  long reads() {
    return reads.sum();
  }

  /**
   * Pins a user who has no pin yet; if another request pinned them first, that pin wins and is
   * returned.
   */
  Pin assign(String uid, String regionId, RoutedService service, Instant now)
      throws TimeoutException {
    try {
      Firestores.await(
          ref(uid)
              .create(
                  PinCodec.assigned(
                      regionId, now, "assigned by getRouting (" + service.wire() + ")")),
          CALL_TIMEOUT);
      return new Pin(uid, regionId, now, now, regionId);
    } catch (RuntimeException e) {
      if (!Firestores.isAlreadyExists(e)) {
        throw e;
      }
    }
    return find(uid)
        .orElseThrow(
            () -> new IllegalStateException("pin of " + uid + " exists but cannot be read"));
  }

  /**
   * Moves a user's pin from {@code fromRegion} to {@code toRegion} and records the move. If the pin
   * no longer points at {@code fromRegion} (a concurrent request or a failover operation moved it),
   * nothing is written and the current pin is returned.
   */
  Pin move(
      String uid,
      String fromRegion,
      String toRegion,
      RoutedService service,
      String reason,
      Instant now)
      throws TimeoutException {
    DocumentReference pinRef = ref(uid);
    reads.increment();
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(pinRef).get();
              Pin current = doc.exists() ? PinCodec.fromDoc(doc) : null;
              if (current != null && !fromRegion.equals(current.regionId())) {
                return current;
              }
              Instant assignedAt =
                  current != null && current.assignedAt() != null ? current.assignedAt() : now;
              String home = current != null ? current.home() : fromRegion;
              tx.set(pinRef, PinCodec.moved(toRegion, fromRegion, home, assignedAt, now, reason));
              tx.create(
                  db.collection(EVENTS).document(),
                  PinCodec.moveEvent(uid, fromRegion, toRegion, service, reason, now));
              return new Pin(uid, toRegion, assignedAt, now, home);
            }),
        CALL_TIMEOUT.multipliedBy(2));
  }

  /** The pins on {@code regionId}, in document-id order (the failover migrator's pages). */
  Query pinnedTo(String regionId) {
    return db.collection(MAPPINGS)
        .whereEqualTo(PinCodec.REGION_ID, regionId)
        .orderBy(FieldPath.documentId());
  }

  private DocumentReference ref(String uid) {
    return db.collection(MAPPINGS).document(uid);
  }
}

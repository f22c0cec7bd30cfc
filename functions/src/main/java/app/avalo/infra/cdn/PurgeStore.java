package app.avalo.infra.cdn;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The purge log {@code cdnPurges/{id}} and the full-purge rate limit {@code cdnPurgeState/all}
 * ({@link PurgeCodec}).
 */
final class PurgeStore {
  private static final String ALL = "all";

  private final Firestore db;

  PurgeStore(Firestore db) {
    this.db = db;
  }

  /** A fresh purge id (the CDN gets it as the request id before the record is written). */
  String newId() {
    return db.collection(CdnCollections.PURGES).document().getId();
  }

  void save(Purge purge) {
    Firestores.await(
        db.collection(CdnCollections.PURGES).document(purge.id()).set(PurgeCodec.toDoc(purge)));
  }

  /**
   * Claims the full-purge slot at {@code now} in a transaction: {@code guard} sees when everything
   * was last purged (empty: never) and throws to refuse. Returns that previous time, for {@link
   * #restoreFullPurge}.
   */
  Optional<Instant> claimFullPurge(
      Instant now, String by, String reason, Consumer<Optional<Instant>> guard) {
    DocumentReference state = state();
    return Firestores.await(
        db.runTransaction(
            tx -> {
              Optional<Instant> last = PurgeCodec.lastPurgeAt(tx.get(state).get());
              guard.accept(last);
              tx.set(state, PurgeCodec.claim(now, by, reason));
              return last;
            }));
  }

  /** Gives a claimed slot back after the CDN purged nothing. */
  void restoreFullPurge(Optional<Instant> previous) {
    Firestores.await(state().update(PurgeCodec.restore(previous.orElse(null))));
  }

  private DocumentReference state() {
    return db.collection(CdnCollections.PURGE_STATE).document(ALL);
  }
}

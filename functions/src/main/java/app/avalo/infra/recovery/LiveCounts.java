package app.avalo.infra.recovery;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.Firestore;

/** How many documents an app collection holds now (one {@code count()} aggregation). */
final class LiveCounts {
  private final Firestore db;

  LiveCounts(Firestore db) {
    this.db = db;
  }

  long count(String collection) {
    return Firestores.await(db.collection(collection).count().get()).getCount();
  }
}

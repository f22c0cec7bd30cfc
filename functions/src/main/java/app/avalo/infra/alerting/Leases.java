package app.avalo.infra.alerting;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The work-queue pattern the outbox and the groups share: records with {@code status: pending} and
 * a due time, claimed one at a time under a lease ({@code leaseUntil}, {@code leaseHolder}) so two
 * notifiers never work on the same record at once.
 */
final class Leases {
  private Leases() {}

  /** Ids of the pending records of {@code collection} due by {@code now}, earliest first. */
  static List<String> due(
      Firestore db, String collection, String dueField, Instant now, int limit) {
    return Firestores.await(
            db.collection(collection)
                .whereEqualTo("status", "pending")
                .whereLessThanOrEqualTo(dueField, Firestores.timestamp(now))
                .orderBy(dueField)
                .limit(limit)
                .get())
        .getDocuments()
        .stream()
        .map(QueryDocumentSnapshot::getId)
        .toList();
  }

  /** Whether a record can be claimed now: pending, due, and nobody's lease running. */
  static boolean claimable(DocReader d, String dueField, Instant now) {
    boolean pending = "pending".equals(d.optionalString("status").orElse(""));
    boolean due = !d.instant(dueField).isAfter(now);
    boolean free = d.optionalInstant("leaseUntil").map(u -> !u.isAfter(now)).orElse(true);
    return pending && due && free;
  }

  /** The update that takes the lease. */
  static Map<String, Object> take(Instant now, Duration lease, String holder) {
    return DocWriter.create()
        .field("leaseUntil", now.plus(lease))
        .field("leaseHolder", holder)
        .map();
  }

  /** The fields that release it (with the outcome's update). */
  static DocWriter release(DocWriter update) {
    return update.fieldOrNull("leaseUntil", null).fieldOrNull("leaseHolder", null);
  }

  static boolean holds(DocumentSnapshot doc, String holder) {
    return doc.exists()
        && holder.equals(DocReader.of(doc).optionalString("leaseHolder").orElse(""));
  }
}

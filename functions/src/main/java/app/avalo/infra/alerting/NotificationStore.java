package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox {@code alertNotifications} as the notifier uses it, and the codec of its delivery
 * fields (the alert fields are written by {@code platform/Alerts} in the alert's transaction). A
 * notification is worked on by one notifier at a time: {@link #claim} takes a lease in a
 * transaction, {@link #finish} writes the outcome only while holding it.
 */
final class NotificationStore {
  private final Firestore db;

  NotificationStore(Firestore db) {
    this.db = db;
  }

  /** A claimed notification: the message and where each receiver stands. */
  record Claim(AlertMessage message, Map<String, DeliveryState> receivers, String holder) {}

  /** Ids of notifications due now, oldest first. */
  List<String> due(Instant now, int limit) {
    return Leases.due(db, Alerts.NOTIFICATIONS, "nextAttemptAt", now, limit);
  }

  /**
   * Takes the notification for {@code lease} if it is pending, due and nobody else holds it; empty
   * otherwise (delivered, not due, or another notifier has it).
   */
  Optional<Claim> claim(
      String id, Instant now, Duration lease, String holder, String dashboardUrl) {
    DocumentReference ref = db.collection(Alerts.NOTIFICATIONS).document(id);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              if (!doc.exists()) {
                return Optional.<Claim>empty();
              }
              DocReader d = DocReader.of(doc);
              if (!Leases.claimable(d, "nextAttemptAt", now)) {
                return Optional.<Claim>empty();
              }
              tx.update(ref, Leases.take(now, lease, holder));
              return Optional.of(new Claim(message(doc, dashboardUrl), receivers(d), holder));
            }));
  }

  /**
   * Records where the notification went (each receiver's group, or why not) and closes it, if
   * {@code holder} still holds the lease. The groups deliver it and record each receiver's outcome
   * here.
   */
  boolean finish(String id, String holder, Map<String, DeliveryState> states, Instant now) {
    Map<String, Object> receivers = new LinkedHashMap<>();
    states.forEach((name, s) -> receivers.put(name, write(s)));
    return updateHolding(
        id,
        holder,
        DocWriter.create()
            .field("receivers", receivers)
            .field("status", "done")
            .field("finishedAt", now));
  }

  /**
   * Closes a claimed notification without delivering it: {@code status} {@code silenced} (an active
   * silence matched it, {@code silencedBy}) or {@code inhibited} (an open alert mutes it, {@code
   * inhibitedBy}).
   */
  boolean finishMuted(String id, String holder, String status, String by, Instant now) {
    return updateHolding(
        id,
        holder,
        DocWriter.create()
            .field("status", status)
            .field(status + "By", by)
            .field("finishedAt", now));
  }

  /**
   * Writes {@code update} and releases the lease, if {@code holder} still holds it (false when the
   * lease expired and another notifier took over).
   */
  private boolean updateHolding(String id, String holder, DocWriter update) {
    DocumentReference ref = db.collection(Alerts.NOTIFICATIONS).document(id);
    Map<String, Object> fields = Leases.release(update).map();
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              if (!Leases.holds(doc, holder)) {
                return false;
              }
              tx.update(ref, fields);
              return true;
            }));
  }

  /** Recent notifications, newest first (the dashboard's notification log). */
  List<DocumentSnapshot> recent(int limit) {
    return List.copyOf(
        Firestores.await(
                db.collection(Alerts.NOTIFICATIONS)
                    .orderBy("at", Query.Direction.DESCENDING)
                    .limit(limit)
                    .get())
            .getDocuments());
  }

  static AlertMessage message(DocumentSnapshot doc, String dashboardUrl) {
    return message(doc.getId(), DocReader.of(doc), dashboardUrl);
  }

  /** An alert change as stored in its notification (or as a group's member). */
  static AlertMessage message(String notificationId, DocReader d, String dashboardUrl) {
    Map<String, Object> details = AlertMessage.details(d);
    return new AlertMessage(
        notificationId,
        d.string("alertId"),
        d.string("source"),
        d.string("key"),
        d.enumValue("change", Alerts.Change.class),
        d.enumValue("severity", Alerts.Severity.class),
        d.optionalString("message").orElse(""),
        details,
        AlertMessage.labels(d, details),
        d.optionalInstant("openedAt").orElse(d.instant("at")),
        d.instant("at"),
        dashboardUrl);
  }

  static Map<String, DeliveryState> receivers(DocReader d) {
    Map<String, DeliveryState> out = new LinkedHashMap<>();
    d.optionalMap("receivers")
        .ifPresent(
            r -> {
              for (String name : r.fieldNames()) {
                out.put(name, state(r.map(name)));
              }
            });
    return out;
  }

  private static DeliveryState state(DocReader s) {
    return new DeliveryState(
        s.enumValue("status", DeliveryState.Status.class),
        (int) s.longValue("attempts"),
        s.optionalInstant("nextAttemptAt").orElse(null),
        s.optionalInstant("deliveredAt").orElse(null),
        s.optionalString("lastError").orElse(null),
        s.optionalString("groupId").orElse(null));
  }

  static Map<String, Object> write(DeliveryState s) {
    return DocWriter.create()
        .field("status", s.status())
        .field("attempts", (long) s.attempts())
        .field("nextAttemptAt", s.nextAttemptAt())
        .field("deliveredAt", s.deliveredAt())
        .field("lastError", s.lastError())
        .field("groupId", s.groupId())
        .map();
  }
}

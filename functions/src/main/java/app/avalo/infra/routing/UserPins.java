package app.avalo.infra.routing;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Users' region pins ({@code userRegionMappings/{uid}}: one region per user for every pinned
 * service) and the record of each pin move ({@code userRegionEvents}). A pin is written only when
 * it is first assigned or moves; moves are transactions, so two requests failing the same user over
 * at once move them once.
 */
public final class UserPins {
  public static final String MAPPINGS = "userRegionMappings";
  public static final String EVENTS = "userRegionEvents";

  /** A user's pin. */
  public record Pin(String uid, String regionId, Instant assignedAt, Instant updatedAt) {}

  private final Firestore db;

  public UserPins(Firestore db) {
    this.db = db;
  }

  public Optional<Pin> find(String uid) {
    DocumentSnapshot doc = Firestores.await(ref(uid).get());
    return doc.exists() ? Optional.of(parse(doc)) : Optional.empty();
  }

  /**
   * Pins a user who has no pin yet; if another request pinned them first, that pin wins and is
   * returned.
   */
  Pin assign(String uid, String regionId, RoutedService service, Instant now) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("regionId", regionId);
    doc.put("assignedAt", Firestores.timestamp(now));
    doc.put("updatedAt", Firestores.timestamp(now));
    doc.put("previousRegionId", null);
    doc.put("reason", "assigned by getRouting (" + service.wire() + ")");
    if (Firestores.createIfAbsent(ref(uid), doc)) {
      return new Pin(uid, regionId, now, now);
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
      Instant now) {
    DocumentReference pinRef = ref(uid);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(pinRef).get();
              if (doc.exists() && !fromRegion.equals(doc.getString("regionId"))) {
                return parse(doc);
              }
              Instant assignedAt =
                  doc.exists() && doc.getTimestamp("assignedAt") != null
                      ? Firestores.instant(doc.getTimestamp("assignedAt"))
                      : now;
              Map<String, Object> pin = new HashMap<>();
              pin.put("regionId", toRegion);
              pin.put("assignedAt", Firestores.timestamp(assignedAt));
              pin.put("updatedAt", Firestores.timestamp(now));
              pin.put("previousRegionId", fromRegion);
              pin.put("reason", reason);
              tx.set(pinRef, pin);
              Map<String, Object> event = new HashMap<>();
              event.put("uid", uid);
              event.put("fromRegion", fromRegion);
              event.put("toRegion", toRegion);
              event.put("service", service.wire());
              event.put("reason", reason);
              event.put("at", Firestores.timestamp(now));
              tx.create(db.collection(EVENTS).document(), event);
              return new Pin(uid, toRegion, assignedAt, now);
            }));
  }

  DocumentReference ref(String uid) {
    return db.collection(MAPPINGS).document(uid);
  }

  private static Pin parse(DocumentSnapshot doc) {
    return new Pin(
        doc.getId(),
        doc.getString("regionId"),
        Firestores.instant(doc.getTimestamp("assignedAt")),
        Firestores.instant(doc.getTimestamp("updatedAt")));
  }
}

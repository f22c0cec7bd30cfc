package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Sha256;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code alertGroups/{id}}: one group of one route and receiver (Alertmanager's aggregation group)
 * — the alert changes waiting to be sent together ({@code members}), when they are due ({@code
 * nextFlushAt}: {@code groupWait} after a new group's first change, then at most every {@code
 * groupInterval}), when each alert was last sent (for the route's repeat interval), and the
 * delivery's attempts. One notifier at a time flushes a group (a lease, as for notifications);
 * changes keep arriving while it does and wait for the next flush.
 */
final class GroupStore {
  static final String COLLECTION = "alertGroups";

  /** A group is kept this long after its last activity (a TTL policy on {@code expireAt}). */
  static final Duration RETENTION = Duration.ofDays(30);

  private final Firestore db;

  GroupStore(Firestore db) {
    this.db = db;
  }

  /** The group's id: a hash of route, receiver and the group's label values. */
  static String groupId(RoutingTree.Target target, Map<String, String> groupLabels) {
    return Sha256.hex(target.routeId() + "|" + target.receiver() + "|" + new TreeMap<>(groupLabels))
        .substring(0, 32);
  }

  /** Alertmanager's group key, e.g. {@code team:{region="EU",service="chat"}}. */
  static String groupKey(String routeId, Map<String, String> groupLabels) {
    StringBuilder s = new StringBuilder(routeId).append(":{");
    new TreeMap<>(groupLabels)
        .forEach(
            (k, v) ->
                s.append(s.charAt(s.length() - 1) == '{' ? "" : ",")
                    .append(k)
                    .append("=\"")
                    .append(v)
                    .append('"'));
    return s.append('}').toString();
  }

  /** What adding a change to its group did: its state for the receiver, and when it is due. */
  record Added(String groupId, DeliveryState state, Instant flushAt) {}

  /**
   * Puts the change {@code m} into its group for {@code target}: due {@code groupWait} after the
   * first change of a new group, {@code groupInterval} after the group's last delivery, or with the
   * changes already waiting. A repeat of an alert sent there within the route's repeat interval is
   * left out. Adding the same notification twice changes nothing.
   */
  Added add(RoutingTree.Target target, AlertMessage m, Instant now) {
    Map<String, String> labels = target.groupLabels(m);
    String id = groupId(target, labels);
    DocumentReference ref = db.collection(COLLECTION).document(id);
    RoutingTree.Grouping g = target.grouping();
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              DocReader d = doc.exists() ? DocReader.of(doc) : null;
              if (m.change() == Alerts.Change.REPEATED && d != null) {
                Optional<Instant> sent =
                    d.optionalMap("sent").flatMap(s -> s.optionalInstant(m.alertId()));
                if (sent.isPresent() && sent.get().plus(g.repeatInterval()).isAfter(now)) {
                  return new Added(
                      id,
                      DeliveryState.suppressed(
                          id, "sent " + sent.get() + "; the route repeats every " + minutes(g)),
                      null);
                }
              }
              boolean waiting =
                  d != null
                      && d.optionalMap("members").map(x -> !x.fieldNames().isEmpty()).orElse(false);
              Instant flushAt;
              if (waiting) {
                flushAt = d.instant("nextFlushAt");
              } else {
                Optional<Instant> last =
                    d == null ? Optional.empty() : d.optionalInstant("lastFlushAt");
                flushAt =
                    last.isEmpty()
                        ? m.at().plus(g.groupWait())
                        : later(now, last.get().plus(g.groupInterval()));
              }
              DocWriter w =
                  DocWriter.create()
                      .field("routeId", target.routeId())
                      .field("receiver", target.receiver())
                      .field("groupKey", groupKey(target.routeId(), labels))
                      .field("groupLabels", Map.<String, Object>copyOf(labels))
                      .field("groupIntervalSeconds", g.groupInterval().toSeconds())
                      .field("status", "pending")
                      .field("nextFlushAt", flushAt)
                      .field("updatedAt", now)
                      .field("expireAt", now.plus(RETENTION));
              Map<String, Object> fields = new LinkedHashMap<>(w.map());
              if (doc.exists()) {
                fields.put("members." + m.notificationId(), member(m)); // a field path
                tx.update(ref, fields);
              } else {
                fields.put("members", Map.of(m.notificationId(), member(m)));
                fields.put("attempts", 0L);
                tx.create(ref, fields);
              }
              return new Added(id, DeliveryState.grouped(id, flushAt), flushAt);
            }));
  }

  private static String minutes(RoutingTree.Grouping g) {
    return g.repeatInterval().toMinutes() + " min";
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** A claimed group: what to send, to whom, and how far its retries are. */
  record Claim(
      String groupId,
      String routeId,
      String receiver,
      String groupKey,
      Map<String, String> groupLabels,
      List<AlertMessage> members,
      int attempts,
      Duration groupInterval,
      String holder) {}

  /** Ids of groups due now, oldest first. */
  List<String> due(Instant now, int limit) {
    return Leases.due(db, COLLECTION, "nextFlushAt", now, limit);
  }

  /** Takes the group for {@code lease} if it is due, has changes and nobody else holds it. */
  Optional<Claim> claim(
      String id, Instant now, Duration lease, String holder, String dashboardUrl) {
    DocumentReference ref = db.collection(COLLECTION).document(id);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              if (!doc.exists()) {
                return Optional.<Claim>empty();
              }
              DocReader d = DocReader.of(doc);
              List<AlertMessage> members = members(d, dashboardUrl);
              if (!Leases.claimable(d, "nextFlushAt", now) || members.isEmpty()) {
                return Optional.<Claim>empty();
              }
              tx.update(ref, Leases.take(now, lease, holder));
              Map<String, String> labels = new TreeMap<>();
              d.optionalMap("groupLabels")
                  .ifPresent(l -> l.fieldNames().forEach(n -> labels.put(n, l.string(n))));
              return Optional.of(
                  new Claim(
                      id,
                      d.string("routeId"),
                      d.string("receiver"),
                      d.string("groupKey"),
                      labels,
                      members,
                      d.optionalLong("attempts").orElse(0L).intValue(),
                      Duration.ofSeconds(d.optionalLong("groupIntervalSeconds").orElse(0L)),
                      holder));
            }));
  }

  /**
   * The batch went out (or was given up): its members leave the group, the alerts' last-sent times
   * are kept for repeats (dropped for resolved ones), and the group is due again {@code
   * groupInterval} later if changes arrived meanwhile.
   */
  boolean flushed(Claim c, Instant now, boolean delivered, String lastError) {
    DocumentReference ref = db.collection(COLLECTION).document(c.groupId());
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              if (!Leases.holds(doc, c.holder())) {
                return false;
              }
              DocReader d = DocReader.of(doc);
              // Whole maps rewritten (read in this transaction), not per-entry deletes.
              Map<String, Object> members =
                  new LinkedHashMap<>(
                      d.optionalMap("members").map(DocReader::values).orElse(Map.of()));
              Map<String, Object> sent =
                  new LinkedHashMap<>(
                      d.optionalMap("sent").map(DocReader::values).orElse(Map.of()));
              for (AlertMessage m : c.members()) {
                members.remove(m.notificationId());
                if (delivered && m.resolved()) {
                  sent.remove(m.alertId());
                } else if (delivered) {
                  sent.put(m.alertId(), Firestores.timestamp(now));
                }
              }
              int remaining = members.size();
              Map<String, Object> update = new LinkedHashMap<>();
              update.put("members", members);
              update.put("sent", sent);
              Instant next = now.plus(c.groupInterval());
              update.putAll(
                  Leases.release(
                          DocWriter.create()
                              .field("status", remaining > 0 ? "pending" : "idle")
                              .field("nextFlushAt", remaining > 0 ? next : now)
                              .field("lastFlushAt", now)
                              .field("attempts", 0L)
                              .fieldOrNull("lastError", lastError)
                              .field("updatedAt", now)
                              .field("expireAt", now.plus(RETENTION)))
                      .map());
              tx.update(ref, update);
              return true;
            }));
  }

  /** The delivery failed and will be retried at {@code next}. */
  boolean retry(Claim c, int attempts, Instant next, String error) {
    DocumentReference ref = db.collection(COLLECTION).document(c.groupId());
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref).get();
              if (!Leases.holds(doc, c.holder())) {
                return false;
              }
              tx.update(
                  ref,
                  Leases.release(
                          DocWriter.create()
                              .field("attempts", (long) attempts)
                              .field("nextFlushAt", next)
                              .field("lastError", error))
                      .map());
              return true;
            }));
  }

  /** Records each member notification's state for this receiver (the notification log's view). */
  void recordMembers(Claim c, DeliveryState state) {
    WriteBatch batch = db.batch();
    for (AlertMessage m : c.members()) {
      batch.update(
          db.collection(Alerts.NOTIFICATIONS).document(m.notificationId()),
          Map.of("receivers." + c.receiver(), NotificationStore.write(state)));
    }
    Firestores.await(batch.commit());
  }

  private static Map<String, Object> member(AlertMessage m) {
    return DocWriter.create()
        .field("alertId", m.alertId())
        .field("source", m.source())
        .field("key", m.key())
        .field("change", m.change())
        .field("severity", m.severity())
        .field("message", m.message())
        .field("details", m.details())
        .field("labels", Map.<String, Object>copyOf(m.labels()))
        .field("openedAt", m.openedAt())
        .field("at", m.at())
        .map();
  }

  private static List<AlertMessage> members(DocReader d, String dashboardUrl) {
    List<AlertMessage> out = new ArrayList<>();
    d.optionalMap("members")
        .ifPresent(
            members -> {
              for (String id : members.fieldNames()) {
                out.add(NotificationStore.message(id, members.map(id), dashboardUrl));
              }
            });
    out.sort(Comparator.comparing(AlertMessage::at).thenComparing(AlertMessage::notificationId));
    return out;
  }
}

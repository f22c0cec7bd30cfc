package app.avalo.infra.platform;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.Transaction;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one way any domain raises or resolves an operational alert ({@code systemAlerts}). Like an
 * alert manager: at most one open alert per (source, key) — raising it again bumps {@code count}
 * and {@code lastSeen} (and escalates severity) instead of adding a duplicate; resolving closes it,
 * and a later raise opens a fresh one, so history is kept.
 *
 * <p>{@code alertKeys/{source}~{key}} points at the open alert; both change in one transaction.
 */
public final class Alerts {
  public static final String COLLECTION = "systemAlerts";
  public static final String KEYS = "alertKeys";

  /**
   * The outbox: one record per alert change people should hear about (opened, escalated, repeated,
   * resolved), written in the same transaction as the change and delivered by the notifier.
   */
  public static final String NOTIFICATIONS = "alertNotifications";

  /** How often a still-open alert is notified again (Alertmanager's {@code repeat_interval}). */
  private static final int OPEN_KEYS_PAGE = 500;

  public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

  /** What happened to an alert, as its notification says. */
  public enum Change implements WireEnum {
    OPENED,
    ESCALATED,
    REPEATED,
    ACKNOWLEDGED,
    RESOLVED;

    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final TransactionOptions RETRY =
      TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(20).build();

  /** Ordered by urgency; {@code rank} sorts critical first. */
  public enum Severity implements WireEnum {
    INFO(1),
    WARNING(2),
    CRITICAL(3);

    private final int rank;

    Severity(int rank) {
      this.rank = rank;
    }

    public int rank() {
      return rank;
    }

    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The labels of an alert raised with {@code details}: their {@code service}, {@code region} (or
   * {@code regionId}) and {@code metric} strings. Routing, silences and inhibition match on them.
   */
  public static Map<String, Object> labelsOf(Map<String, Object> details) {
    return AlertDocs.labels(details);
  }

  /** The answer of {@link #resolveById}: which alert, and whether it was still open. */
  public record Resolved(String alertId, String source, String key, boolean wasOpen) {}

  private final Firestore db;
  private final Clock clock;
  private final Duration repeatInterval;
  private volatile Consumer<String> onNotification = id -> {};

  public Alerts(Firestore db, Clock clock) {
    this(db, clock, DEFAULT_REPEAT_INTERVAL);
  }

  public Alerts(Firestore db, Clock clock, Duration repeatInterval) {
    this.db = db;
    this.clock = clock;
    this.repeatInterval = repeatInterval;
  }

  /**
   * Called with each notification's id once its transaction has committed (the composition root
   * kicks the notifier with it, so delivery does not wait for the next scheduled run).
   */
  public void onNotification(Consumer<String> listener) {
    this.onNotification = listener;
  }

  /**
   * Writes that must commit with an alert change or not at all (e.g. the state of the rule that
   * raised it). Called inside the alert's transaction after its reads; it may only write.
   */
  @FunctionalInterface
  public interface AlsoWrite {
    AlsoWrite NOTHING = tx -> {};

    void write(Transaction tx) throws Exception;
  }

  /** An alert change and the outbox record it wrote (null: nothing to tell anyone). */
  private record Committed(String alertId, String notificationId, Change change) {}

  private record ResolvedById(Resolved resolved, Committed closed) {}

  /** The answer of {@link #acknowledge}: the alert and whether this call acknowledged it. */
  public record Acknowledged(String alertId, String source, String key, boolean changed) {}

  private record AckOutcome(Acknowledged answer, Committed committed) {}

  /**
   * Marks an open alert as acknowledged (someone is on it): recorded on the alert and told to the
   * receivers that track acknowledgements (PagerDuty's {@code acknowledge}); it stays open until
   * resolved. NOT_FOUND for an unknown id, FAILED_PRECONDITION for a resolved alert; acknowledging
   * twice changes nothing the second time.
   */
  public Acknowledged acknowledge(String alertId, String by, String note) {
    DocumentReference alert = db.collection(COLLECTION).document(alertId);
    AckOutcome done =
        Firestores.await(
            db.runTransaction(
                tx -> {
                  DocumentSnapshot current = tx.get(alert).get();
                  if (!current.exists()) {
                    throw ApiException.notFound("no alert " + alertId);
                  }
                  DocReader d = DocReader.of(current);
                  Acknowledged answer =
                      new Acknowledged(alertId, d.string("source"), d.string("key"), true);
                  if (!AlertDocs.isOpen(current)) {
                    throw ApiException.failedPrecondition(
                        "alert " + alertId + " is resolved; only open alerts can be acknowledged");
                  }
                  if (d.optionalInstant("acknowledgedAt").isPresent()) {
                    return new AckOutcome(
                        new Acknowledged(alertId, answer.source(), answer.key(), false), null);
                  }
                  Instant now = clock.instant();
                  tx.update(alert, AlertDocs.acknowledging(by, note, now));
                  DocumentReference n = db.collection(NOTIFICATIONS).document();
                  tx.create(
                      n,
                      AlertDocs.notification(
                          alertId,
                          answer.source(),
                          answer.key(),
                          Change.ACKNOWLEDGED,
                          d.enumValue("severity", Severity.class),
                          d.optionalString("message").orElse(""),
                          Map.of("acknowledgedBy", by, "note", note == null ? "" : note),
                          AlertDocs.labels(current),
                          d.instant("openedAt"),
                          now));
                  return new AckOutcome(
                      answer, new Committed(alertId, n.getId(), Change.ACKNOWLEDGED));
                },
                RETRY));
    if (done.committed() != null) {
      announce(done.committed(), done.answer().source(), done.answer().key(), "acknowledged");
    }
    return done.answer();
  }

  /**
   * Opens the alert for (source, key), or refreshes the open one. Returns the alert's id.
   *
   * @param source the raising domain or subsystem, e.g. {@code routing}, {@code cost}
   * @param key what it is about within the source, e.g. {@code region:EU:unhealthy}
   */
  public String raise(
      String source, String key, Severity severity, String message, Map<String, Object> details) {
    return raise(source, key, severity, message, details, AlsoWrite.NOTHING);
  }

  /** {@link #raise}, committing {@code also} in the same transaction. */
  public String raise(
      String source,
      String key,
      Severity severity,
      String message,
      Map<String, Object> details,
      AlsoWrite also) {
    DocumentReference pointer = db.collection(KEYS).document(pointerId(source, key));
    Committed committed =
        Firestores.await(
            db.runTransaction(
                tx -> {
                  String openId = openAlertId(tx, pointer);
                  Instant now = clock.instant();
                  DocumentSnapshot current =
                      openId == null
                          ? null
                          : tx.get(db.collection(COLLECTION).document(openId)).get();
                  also.write(tx);
                  if (current != null) {
                    DocumentReference alert = db.collection(COLLECTION).document(openId);
                    if (current.exists() && AlertDocs.isOpen(current)) {
                      Change change =
                          AlertDocs.changeOnRepeat(current, severity, now, repeatInterval);
                      tx.update(
                          alert,
                          AlertDocs.repeat(current, severity, message, details, now, change));
                      if (change == null) {
                        return new Committed(openId, null, null);
                      }
                      Severity effective = AlertDocs.effectiveSeverity(current, severity);
                      DocumentReference n = db.collection(NOTIFICATIONS).document();
                      tx.create(
                          n,
                          AlertDocs.notification(
                              openId,
                              source,
                              key,
                              change,
                              effective,
                              message,
                              details,
                              AlertDocs.labels(details),
                              DocReader.of(current).instant("openedAt"),
                              now));
                      return new Committed(openId, n.getId(), change);
                    }
                  }
                  DocumentReference alert = db.collection(COLLECTION).document();
                  tx.create(alert, AlertDocs.open(source, key, severity, message, details, now));
                  tx.set(pointer, AlertDocs.pointer(source, key, alert.getId()));
                  DocumentReference n = db.collection(NOTIFICATIONS).document();
                  tx.create(
                      n,
                      AlertDocs.notification(
                          alert.getId(),
                          source,
                          key,
                          Change.OPENED,
                          severity,
                          message,
                          details,
                          AlertDocs.labels(details),
                          now,
                          now));
                  return new Committed(alert.getId(), n.getId(), Change.OPENED);
                },
                RETRY));
    announce(committed, source, key, severity.wire());
    return committed.alertId();
  }

  /** The structured log line of a change, and the notifier's kick. */
  private void announce(Committed c, String source, String key, String severity) {
    if (c.notificationId() == null) {
      return;
    }
    Log.info(
        "alert." + c.change().wire(),
        Map.of(
            "alertId", c.alertId(),
            "source", source,
            "key", key,
            "severity", severity,
            "notificationId", c.notificationId()));
    try {
      onNotification.accept(c.notificationId());
    } catch (RuntimeException e) {
      // The scheduled notifier run delivers it; the alert itself is committed.
      Log.error("could not kick the notifier", Map.of("notificationId", c.notificationId()), e);
    }
  }

  /** Closes the open alert for (source, key), if any; true if one was open. */
  public boolean resolve(String source, String key, String resolvedBy, String note) {
    return resolve(source, key, resolvedBy, note, AlsoWrite.NOTHING);
  }

  /** {@link #resolve}, committing {@code also} in the same transaction. */
  public boolean resolve(
      String source, String key, String resolvedBy, String note, AlsoWrite also) {
    DocumentReference pointer = db.collection(KEYS).document(pointerId(source, key));
    Committed committed =
        Firestores.await(
            db.runTransaction(
                tx -> {
                  String openId = openAlertId(tx, pointer);
                  if (openId == null) {
                    also.write(tx);
                    return null;
                  }
                  DocumentReference alert = db.collection(COLLECTION).document(openId);
                  DocumentSnapshot current = tx.get(alert).get();
                  also.write(tx);
                  tx.update(pointer, "openAlertId", null);
                  if (!current.exists() || !AlertDocs.isOpen(current)) {
                    return null;
                  }
                  return close(tx, alert, current, resolvedBy, note);
                },
                RETRY));
    if (committed == null) {
      return false;
    }
    announce(committed, source, key, "resolved");
    return true;
  }

  /** Closes an open alert inside {@code tx} and writes its "resolved" notification. */
  private Committed close(
      Transaction tx,
      DocumentReference alert,
      DocumentSnapshot current,
      String resolvedBy,
      String note) {
    Instant now = clock.instant();
    tx.update(alert, AlertDocs.closing(resolvedBy, note, now));
    DocReader d = DocReader.of(current);
    DocumentReference n = db.collection(NOTIFICATIONS).document();
    tx.create(
        n,
        AlertDocs.notification(
            alert.getId(),
            d.string("source"),
            d.string("key"),
            Change.RESOLVED,
            AlertDocs.effectiveSeverity(current, Severity.INFO),
            d.optionalString("message").orElse(""),
            Map.of(
                "resolvedBy",
                resolvedBy == null ? "system" : resolvedBy,
                "note",
                note == null ? "" : note),
            AlertDocs.labels(current),
            d.instant("openedAt"),
            now));
    return new Committed(alert.getId(), n.getId(), Change.RESOLVED);
  }

  /**
   * Closes an alert by id (the dashboard's resolve); NOT_FOUND if there is none. Returns its
   * (source, key).
   */
  public Resolved resolveById(String alertId, String resolvedBy, String note) {
    DocumentReference alert = db.collection(COLLECTION).document(alertId);
    ResolvedById done =
        Firestores.await(
            db.runTransaction(
                tx -> {
                  DocumentSnapshot current = tx.get(alert).get();
                  if (!current.exists()) {
                    throw ApiException.notFound("no alert " + alertId);
                  }
                  String source = current.getString("source");
                  String key = current.getString("key");
                  DocumentReference pointer = db.collection(KEYS).document(pointerId(source, key));
                  DocumentSnapshot p = tx.get(pointer).get();
                  boolean wasOpen = AlertDocs.isOpen(current);
                  Committed closed = null;
                  if (wasOpen) {
                    closed = close(tx, alert, current, resolvedBy, note);
                    if (p.exists() && alertId.equals(p.getString("openAlertId"))) {
                      tx.update(pointer, "openAlertId", null);
                    }
                  }
                  return new ResolvedById(new Resolved(alertId, source, key, wasOpen), closed);
                },
                RETRY));
    if (done.closed() != null) {
      announce(done.closed(), done.resolved().source(), done.resolved().key(), "resolved");
    }
    return done.resolved();
  }

  /**
   * The keys of {@code source}'s open alerts that start with {@code keyPrefix}, read in pages (the
   * two equality filters need no composite index), for a domain that resolves its alerts by
   * re-checking their cause.
   */
  public List<String> openKeys(String source, String keyPrefix) {
    List<String> keys = new ArrayList<>();
    Query open =
        db.collection(COLLECTION)
            .whereEqualTo("status", "open")
            .whereEqualTo("source", source)
            .orderBy(FieldPath.documentId())
            .limit(OPEN_KEYS_PAGE);
    List<QueryDocumentSnapshot> page = Firestores.await(open.get()).getDocuments();
    while (!page.isEmpty()) {
      for (QueryDocumentSnapshot doc : page) {
        String key = doc.getString("key");
        if (key != null && key.startsWith(keyPrefix)) {
          keys.add(key);
        }
      }
      if (page.size() < OPEN_KEYS_PAGE) {
        break;
      }
      page = Firestores.await(open.startAfter(page.get(page.size() - 1)).get()).getDocuments();
    }
    return keys;
  }

  /** The id of the open alert the pointer names, if any (read inside {@code tx}). */
  private static String openAlertId(Transaction tx, DocumentReference pointer) throws Exception {
    DocumentSnapshot p = tx.get(pointer).get();
    return p.exists() ? DocReader.of(p).optionalString("openAlertId").orElse(null) : null;
  }

  private static String pointerId(String source, String key) {
    return (source + "~" + key).replace('/', '_');
  }
}

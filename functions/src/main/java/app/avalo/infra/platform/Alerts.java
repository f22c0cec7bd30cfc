package app.avalo.infra.platform;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

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

  /** The answer of {@link #resolveById}: which alert, and whether it was still open. */
  public record Resolved(String alertId, String source, String key, boolean wasOpen) {}

  private final Firestore db;
  private final Clock clock;

  public Alerts(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Opens the alert for (source, key), or refreshes the open one. Returns the alert's id.
   *
   * @param source the raising domain or subsystem, e.g. {@code routing}, {@code cost}
   * @param key what it is about within the source, e.g. {@code region:EU:unhealthy}
   */
  public String raise(
      String source, String key, Severity severity, String message, Map<String, Object> details) {
    DocumentReference pointer = db.collection(KEYS).document(pointerId(source, key));
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot p = tx.get(pointer).get();
              String openId = p.exists() ? p.getString("openAlertId") : null;
              Instant now = clock.instant();
              if (openId != null) {
                DocumentReference alert = db.collection(COLLECTION).document(openId);
                DocumentSnapshot current = tx.get(alert).get();
                if (current.exists() && AlertDocs.isOpen(current)) {
                  tx.update(alert, AlertDocs.repeat(current, severity, message, details, now));
                  return openId;
                }
              }
              DocumentReference alert = db.collection(COLLECTION).document();
              tx.create(alert, AlertDocs.open(source, key, severity, message, details, now));
              tx.set(pointer, AlertDocs.pointer(source, key, alert.getId()));
              return alert.getId();
            },
            RETRY));
  }

  /** Closes the open alert for (source, key), if any; true if one was open. */
  public boolean resolve(String source, String key, String resolvedBy, String note) {
    DocumentReference pointer = db.collection(KEYS).document(pointerId(source, key));
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot p = tx.get(pointer).get();
              String openId = p.exists() ? p.getString("openAlertId") : null;
              if (openId == null) {
                return false;
              }
              DocumentReference alert = db.collection(COLLECTION).document(openId);
              DocumentSnapshot current = tx.get(alert).get();
              tx.update(pointer, "openAlertId", null);
              if (!current.exists() || !AlertDocs.isOpen(current)) {
                return false;
              }
              tx.update(alert, AlertDocs.closing(resolvedBy, note, clock.instant()));
              return true;
            },
            RETRY));
  }

  /**
   * Closes an alert by id (the dashboard's resolve); NOT_FOUND if there is none. Returns its
   * (source, key).
   */
  public Resolved resolveById(String alertId, String resolvedBy, String note) {
    DocumentReference alert = db.collection(COLLECTION).document(alertId);
    return Firestores.await(
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
              if (wasOpen) {
                tx.update(alert, AlertDocs.closing(resolvedBy, note, clock.instant()));
                if (p.exists() && alertId.equals(p.getString("openAlertId"))) {
                  tx.update(pointer, "openAlertId", null);
                }
              }
              return new Resolved(alertId, source, key, wasOpen);
            },
            RETRY));
  }

  private static String pointerId(String source, String key) {
    return (source + "~" + key).replace('/', '_');
  }
}

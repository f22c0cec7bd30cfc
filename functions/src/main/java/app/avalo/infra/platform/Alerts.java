package app.avalo.infra.platform;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.TransactionOptions;
import java.time.Clock;
import java.util.HashMap;
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
  public enum Severity {
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

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

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
              var now = Firestores.timestamp(clock.instant());
              if (openId != null) {
                DocumentReference alert = db.collection(COLLECTION).document(openId);
                DocumentSnapshot current = tx.get(alert).get();
                if (current.exists() && "open".equals(current.getString("status"))) {
                  Map<String, Object> update = new HashMap<>();
                  update.put("lastSeen", now);
                  update.put("count", current.getLong("count") + 1);
                  update.put("message", message);
                  update.put("details", details == null ? Map.of() : details);
                  long rank = current.getLong("severityRank");
                  if (severity.rank() > rank) {
                    update.put("severity", severity.wire());
                    update.put("severityRank", severity.rank());
                  }
                  tx.update(alert, update);
                  return openId;
                }
              }
              DocumentReference alert = db.collection(COLLECTION).document();
              Map<String, Object> doc = new HashMap<>();
              doc.put("source", source);
              doc.put("key", key);
              doc.put("severity", severity.wire());
              doc.put("severityRank", severity.rank());
              doc.put("message", message);
              doc.put("details", details == null ? Map.of() : details);
              doc.put("status", "open");
              doc.put("openedAt", now);
              doc.put("lastSeen", now);
              doc.put("count", 1L);
              tx.create(alert, doc);
              tx.set(pointer, Map.of("source", source, "key", key, "openAlertId", alert.getId()));
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
              if (!current.exists() || !"open".equals(current.getString("status"))) {
                return false;
              }
              tx.update(alert, closing(resolvedBy, note));
              return true;
            },
            RETRY));
  }

  /**
   * Closes an alert by id (the dashboard's resolve); NOT_FOUND if there is none. Returns its
   * (source, key).
   */
  public Map<String, Object> resolveById(String alertId, String resolvedBy, String note) {
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
              boolean wasOpen = "open".equals(current.getString("status"));
              if (wasOpen) {
                tx.update(alert, closing(resolvedBy, note));
                if (p.exists() && alertId.equals(p.getString("openAlertId"))) {
                  tx.update(pointer, "openAlertId", null);
                }
              }
              return Map.<String, Object>of(
                  "alertId", alertId, "source", source, "key", key, "wasOpen", wasOpen);
            },
            RETRY));
  }

  private Map<String, Object> closing(String resolvedBy, String note) {
    Map<String, Object> update = new HashMap<>();
    update.put("status", "resolved");
    update.put("resolvedAt", Firestores.timestamp(clock.instant()));
    update.put("resolvedBy", resolvedBy);
    update.put("resolutionNote", note);
    return update;
  }

  private static String pointerId(String source, String key) {
    return (source + "~" + key).replace('/', '_');
  }
}

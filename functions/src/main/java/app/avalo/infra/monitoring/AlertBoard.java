package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.GeoPoint;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads open alerts of every source (monitoring, routing, cost, recovery, …) from {@code
 * systemAlerts}, most severe first, then most recently seen. Needs the composite indexes (status,
 * severityRank desc, lastSeen desc) and (status, source, severityRank desc, lastSeen desc).
 */
final class AlertBoard {
  static final int MAX_LIMIT = 500;

  private final Firestore db;

  AlertBoard(Firestore db) {
    this.db = db;
  }

  record Alert(
      String id,
      String source,
      String key,
      String severity,
      String message,
      Object details,
      Instant openedAt,
      Instant lastSeen,
      long count) {}

  /** {@code truncated}: more open alerts exist than {@code limit}. */
  record OpenAlerts(List<Alert> alerts, boolean truncated) {}

  OpenAlerts open(String source, int limit) {
    Query query = db.collection(Alerts.COLLECTION).whereEqualTo("status", "open");
    if (source != null) {
      query = query.whereEqualTo("source", source);
    }
    query =
        query
            .orderBy("severityRank", Query.Direction.DESCENDING)
            .orderBy("lastSeen", Query.Direction.DESCENDING)
            .limit(limit + 1);
    List<QueryDocumentSnapshot> docs = Firestores.await(query.get()).getDocuments();
    List<Alert> alerts = new ArrayList<>();
    for (QueryDocumentSnapshot doc : docs.subList(0, Math.min(limit, docs.size()))) {
      Long count = doc.getLong("count");
      alerts.add(
          new Alert(
              doc.getId(),
              doc.getString("source"),
              doc.getString("key"),
              doc.getString("severity"),
              doc.getString("message"),
              plain(doc.get("details")),
              Firestores.instant(doc.getTimestamp("openedAt")),
              Firestores.instant(doc.getTimestamp("lastSeen")),
              count == null ? 0 : count));
    }
    return new OpenAlerts(alerts, docs.size() > limit);
  }

  /**
   * Firestore values as JSON-friendly ones (timestamps become instants), since any domain may put
   * anything in details.
   */
  static Object plain(Object value) {
    if (value instanceof Timestamp t) {
      return Firestores.instant(t);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(AlertBoard::plain).toList();
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return null; // JSON has no NaN/Infinity
    }
    if (value instanceof DocumentReference ref) {
      return ref.getPath();
    }
    if (value instanceof GeoPoint || value instanceof Blob) {
      return String.valueOf(value);
    }
    return value;
  }
}

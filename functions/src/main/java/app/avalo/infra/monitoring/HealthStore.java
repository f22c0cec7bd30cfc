package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Firestore access for health evaluation state:
 *
 * <ul>
 *   <li>{@code monitoringRuleState/{service~metric}} — per threshold: whether its alert is firing,
 *       the current healthy streak, and the last window evaluated (so a re-delivered run does not
 *       count a window twice);
 *   <li>{@code monitoringHealth/current} — the latest health summary, what getSystemHealth and the
 *       dashboard read (one document, written once a minute);
 *   <li>{@code monitoringState/configAlerts} — which threshold documents have an open "invalid
 *       configuration" alert, so it is resolved once the document is fixed.
 * </ul>
 */
final class HealthStore {
  static final String RULE_STATE = "monitoringRuleState";
  static final String HEALTH = "monitoringHealth";
  static final String CURRENT = "current";

  private final Firestore db;

  HealthStore(Firestore db) {
    this.db = db;
  }

  /** Where a threshold's alerting stands between evaluations. */
  record RuleState(boolean firing, int healthyStreak, Instant lastWindowEnd, String lastOutcome) {
    static final RuleState INITIAL = new RuleState(false, 0, null, null);
  }

  Map<String, RuleState> ruleStates(Collection<String> docIds) {
    List<DocumentReference> refs = new ArrayList<>();
    docIds.forEach(id -> refs.add(db.collection(RULE_STATE).document(id)));
    Map<String, RuleState> states = new HashMap<>();
    if (refs.isEmpty()) {
      return states;
    }
    for (DocumentSnapshot doc :
        Firestores.await(db.getAll(refs.toArray(DocumentReference[]::new)))) {
      if (doc.exists()) {
        Long streak = doc.getLong("healthyStreak");
        states.put(
            doc.getId(),
            new RuleState(
                Boolean.TRUE.equals(doc.getBoolean("firing")),
                streak == null ? 0 : streak.intValue(),
                Firestores.instant(doc.getTimestamp("lastWindowEnd")),
                doc.getString("lastOutcome")));
      }
    }
    return states;
  }

  void writeRuleState(WriteBatch batch, ThresholdRule rule, RuleState state, Instant now) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("service", rule.service().wire());
    doc.put("metric", rule.metric().wire());
    doc.put("firing", state.firing());
    doc.put("healthyStreak", (long) state.healthyStreak());
    doc.put("lastWindowEnd", Firestores.timestamp(state.lastWindowEnd()));
    doc.put("lastOutcome", state.lastOutcome());
    doc.put("updatedAt", Firestores.timestamp(now));
    batch.set(
        db.collection(RULE_STATE).document(ThresholdRule.docId(rule.service(), rule.metric())),
        doc);
  }

  /** Threshold document ids with an open configuration alert. */
  List<String> configAlerts() {
    DocumentSnapshot doc = Firestores.await(configAlertsRef().get());
    List<String> ids = new ArrayList<>();
    if (doc.exists() && doc.get("documentIds") instanceof List<?> list) {
      list.forEach(id -> ids.add(String.valueOf(id)));
    }
    return ids;
  }

  void writeConfigAlerts(WriteBatch batch, List<String> documentIds) {
    batch.set(configAlertsRef(), Map.of("documentIds", documentIds));
  }

  void writeSummary(WriteBatch batch, HealthSummary summary) {
    batch.set(db.collection(HEALTH).document(CURRENT), summary.toDocument());
  }

  Optional<HealthSummary> summary() {
    DocumentSnapshot doc = Firestores.await(db.collection(HEALTH).document(CURRENT).get());
    return doc.exists() ? Optional.of(HealthSummary.fromDocument(doc.getData())) : Optional.empty();
  }

  WriteBatch batch() {
    return db.batch();
  }

  void commit(WriteBatch batch) {
    Firestores.await(batch.commit());
  }

  private DocumentReference configAlertsRef() {
    return db.collection(MetricStore.STATE).document("configAlerts");
  }
}

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
 * Firestore access for health evaluation state ({@link HealthCodec}):
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
        states.put(doc.getId(), HealthCodec.fromRuleState(doc));
      }
    }
    return states;
  }

  void writeRuleState(WriteBatch batch, ThresholdRule rule, RuleState state, Instant now) {
    batch.set(
        db.collection(RULE_STATE).document(ThresholdRule.docId(rule.service(), rule.metric())),
        HealthCodec.toRuleState(rule, state, now));
  }

  /** Threshold document ids with an open configuration alert. */
  List<String> configAlerts() {
    return HealthCodec.fromConfigAlerts(Firestores.await(configAlertsRef().get()));
  }

  void writeConfigAlerts(WriteBatch batch, List<String> documentIds) {
    batch.set(configAlertsRef(), HealthCodec.toConfigAlerts(documentIds));
  }

  void writeSummary(WriteBatch batch, HealthSummary summary) {
    batch.set(db.collection(HEALTH).document(CURRENT), HealthCodec.toSummary(summary));
  }

  Optional<HealthSummary> summary() {
    DocumentSnapshot doc = Firestores.await(db.collection(HEALTH).document(CURRENT).get());
    return doc.exists() ? Optional.of(HealthCodec.fromSummary(doc)) : Optional.empty();
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

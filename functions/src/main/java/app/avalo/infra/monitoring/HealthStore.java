package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.UpdateBuilder;
import com.google.cloud.firestore.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Firestore access for health evaluation state ({@link HealthCodec}):
 *
 * <ul>
 *   <li>{@code monitoringRuleState/{service~metric}} — per threshold: whether its alert is firing,
 *       the current healthy and breaching streaks, and the last window evaluated (so a re-delivered
 *       run does not count a window twice);
 *   <li>{@code monitoringRuleState/{service~noData}} — per service: whether it ever had traffic,
 *       the empty-window streak and whether its NoData alert is open;
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
  static final String NO_DATA_SUFFIX = "~noData";

  private final Firestore db;

  HealthStore(Firestore db) {
    this.db = db;
  }

  /** The alerting states of the given rules and services (one batched read). */
  record States(Map<String, RuleState> rules, Map<MonitoredService, NoDataState> noData) {}

  States states(Collection<String> ruleDocIds, Collection<MonitoredService> services) {
    List<DocumentReference> refs = new ArrayList<>();
    ruleDocIds.forEach(id -> refs.add(db.collection(RULE_STATE).document(id)));
    services.forEach(s -> refs.add(noDataRef(s)));
    Map<String, RuleState> rules = new HashMap<>();
    Map<MonitoredService, NoDataState> noData = new EnumMap<>(MonitoredService.class);
    if (refs.isEmpty()) {
      return new States(rules, noData);
    }
    for (DocumentSnapshot doc :
        Firestores.await(db.getAll(refs.toArray(DocumentReference[]::new)))) {
      if (!doc.exists()) {
        continue;
      }
      Optional<MonitoredService> service = noDataService(doc.getId());
      if (service.isPresent()) {
        noData.put(service.get(), HealthCodec.fromNoDataState(doc));
      } else {
        rules.put(doc.getId(), HealthCodec.fromRuleState(doc));
      }
    }
    return new States(rules, noData);
  }

  /** Writes a rule's state into a batch, or into the transaction of its alert change. */
  void writeRuleState(UpdateBuilder<?> writes, ThresholdRule rule, RuleState state, Instant now) {
    writes.set(
        db.collection(RULE_STATE).document(ThresholdRule.docId(rule.service(), rule.metric())),
        HealthCodec.toRuleState(rule, state, now));
  }

  void writeNoDataState(
      UpdateBuilder<?> writes, MonitoredService service, NoDataState state, Instant now) {
    writes.set(noDataRef(service), HealthCodec.toNoDataState(service, state, now));
  }

  private DocumentReference noDataRef(MonitoredService service) {
    return db.collection(RULE_STATE).document(service.wire() + NO_DATA_SUFFIX);
  }

  private static Optional<MonitoredService> noDataService(String docId) {
    return docId.endsWith(NO_DATA_SUFFIX)
        ? MonitoredService.byWire(docId.substring(0, docId.length() - NO_DATA_SUFFIX.length()))
        : Optional.empty();
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

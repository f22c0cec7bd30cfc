package app.avalo.infra.monitoring;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Json;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The health documents: a threshold's {@link RuleState} ({@code
 * monitoringRuleState/{service~metric}}), a service's {@link NoDataState} ({@code
 * monitoringRuleState/{service~noData}}), the open configuration alerts ({@code
 * monitoringState/configAlerts}: {@code documentIds}) and the latest {@link HealthSummary} ({@code
 * monitoringHealth/current}, nested values written whole as plain maps, the way their JSON reads).
 */
final class HealthCodec {
  private static final Type SERVICES =
      new TypeToken<List<HealthSummary.ServiceHealth>>() {}.getType();
  private static final Type PROBLEMS =
      new TypeToken<List<HealthSummary.ConfigProblem>>() {}.getType();
  private static final Type PLAIN_LIST = new TypeToken<List<Map<String, Object>>>() {}.getType();

  private HealthCodec() {}

  static Map<String, Object> toRuleState(ThresholdRule rule, RuleState state, Instant now) {
    return DocWriter.create()
        .field("service", rule.service().wire())
        .field("metric", rule.metric().wire())
        .field("firing", state.firing())
        .field("healthyStreak", (long) state.healthyStreak())
        .field("breachStreak", (long) state.breachStreak())
        .fieldOrNull("lastWindowEnd", state.lastWindowEnd())
        .fieldOrNull("lastOutcome", state.lastOutcome())
        .field("updatedAt", now)
        .map();
  }

  static RuleState fromRuleState(DocumentSnapshot doc) {
    return new RuleState(
        Boolean.TRUE.equals(doc.getBoolean("firing")),
        count(doc, "healthyStreak"),
        count(doc, "breachStreak"),
        DocReader.of(doc).optionalInstant("lastWindowEnd").orElse(null),
        doc.getString("lastOutcome"));
  }

  static Map<String, Object> toNoDataState(
      MonitoredService service, NoDataState state, Instant now) {
    return DocWriter.create()
        .field("service", service.wire())
        .field("metric", "noData")
        .field("firing", state.firing())
        .field("emptyStreak", (long) state.emptyStreak())
        .field("hadTraffic", state.hadTraffic())
        .fieldOrNull("lastWindowEnd", state.lastWindowEnd())
        .field("updatedAt", now)
        .map();
  }

  static NoDataState fromNoDataState(DocumentSnapshot doc) {
    return new NoDataState(
        Boolean.TRUE.equals(doc.getBoolean("firing")),
        count(doc, "emptyStreak"),
        Boolean.TRUE.equals(doc.getBoolean("hadTraffic")),
        DocReader.of(doc).optionalInstant("lastWindowEnd").orElse(null));
  }

  private static int count(DocumentSnapshot doc, String field) {
    Long n = doc.getLong(field);
    return n == null ? 0 : n.intValue();
  }

  static Map<String, Object> toConfigAlerts(List<String> documentIds) {
    return DocWriter.create().field("documentIds", documentIds).map();
  }

  static List<String> fromConfigAlerts(DocumentSnapshot doc) {
    List<String> ids = new ArrayList<>();
    if (doc.exists() && doc.get("documentIds") instanceof List<?> list) {
      list.forEach(id -> ids.add(String.valueOf(id)));
    }
    return ids;
  }

  static Map<String, Object> toSummary(HealthSummary summary) {
    return DocWriter.create()
        .field("evaluatedAt", summary.evaluatedAt())
        .field("windowStart", summary.windowStart())
        .field("windowEnd", summary.windowEnd())
        .field("overall", summary.overall())
        .field("services", Json.GSON.fromJson(Json.toTree(summary.services()), PLAIN_LIST))
        .field(
            "configProblems", Json.GSON.fromJson(Json.toTree(summary.configProblems()), PLAIN_LIST))
        .map();
  }

  static HealthSummary fromSummary(DocumentSnapshot snapshot) {
    DocReader doc = DocReader.of(snapshot);
    Map<String, Object> data = snapshot.getData();
    return new HealthSummary(
        doc.optionalInstant("evaluatedAt").orElse(null),
        doc.optionalInstant("windowStart").orElse(null),
        doc.optionalInstant("windowEnd").orElse(null),
        doc.optionalString("overall").orElse(null),
        Json.GSON.fromJson(Json.toTree(data.getOrDefault("services", List.of())), SERVICES),
        Json.GSON.fromJson(Json.toTree(data.getOrDefault("configProblems", List.of())), PROBLEMS));
  }
}

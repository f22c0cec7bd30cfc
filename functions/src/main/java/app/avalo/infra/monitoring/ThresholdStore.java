package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts.Severity;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.WireEnum;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The editable thresholds, {@code monitoringThresholds/{service~metric}}: {@code statistic}, {@code
 * threshold}, {@code severity} (info|warning|critical), {@code enabled}, and optional {@code
 * minSamples} / {@code recoveryWindows} overriding the environment defaults. Missing rules are
 * created from the SPEC defaults on first read; an admin edits a document in place and the next
 * health check uses it. A document that does not parse is reported as a {@link Problem} (and
 * alerted by the health check), never silently replaced by a default.
 */
final class ThresholdStore {
  static final String COLLECTION = "monitoringThresholds";

  private final Firestore db;
  private final Clock clock;
  private final MonitoringConfig config;

  ThresholdStore(Firestore db, Clock clock, MonitoringConfig config) {
    this.db = db;
    this.clock = clock;
    this.config = config;
  }

  /** A threshold document that could not be used. */
  record Problem(String documentId, String reason) {}

  record Thresholds(List<ThresholdRule> rules, List<Problem> problems) {}

  /** Every rule, creating missing defaults first. */
  Thresholds load() {
    Map<String, DocumentSnapshot> docs = new HashMap<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(db.collection(COLLECTION).limit(200).get()).getDocuments()) {
      docs.put(doc.getId(), doc);
    }
    for (ThresholdRule.Default d : ThresholdRule.DEFAULTS) {
      String id = ThresholdRule.docId(d.service(), d.metric());
      if (!docs.containsKey(id)) {
        docs.put(id, seed(d));
      }
    }
    List<ThresholdRule> rules = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    docs.values().stream()
        .sorted((a, b) -> a.getId().compareTo(b.getId()))
        .forEach(
            doc -> {
              try {
                rules.add(parse(doc));
              } catch (IllegalArgumentException e) {
                problems.add(new Problem(doc.getId(), e.getMessage()));
              }
            });
    return new Thresholds(rules, problems);
  }

  /**
   * The rule for one metric as currently configured (a default if its document is missing or
   * invalid).
   */
  ThresholdRule rule(MonitoredService service, Metric metric) {
    DocumentSnapshot doc =
        Firestores.await(
            db.collection(COLLECTION).document(ThresholdRule.docId(service, metric)).get());
    if (doc.exists()) {
      try {
        return parse(doc);
      } catch (IllegalArgumentException e) {
        Log.warn(
            "threshold document is invalid; showing the default",
            Map.of("document", doc.getId(), "reason", e.getMessage()));
      }
    }
    return defaultRule(service, metric);
  }

  private ThresholdRule defaultRule(MonitoredService service, Metric metric) {
    return ThresholdRule.DEFAULTS.stream()
        .filter(d -> d.service() == service && d.metric() == metric)
        .findFirst()
        .map(
            d ->
                new ThresholdRule(
                    service,
                    metric,
                    metric.defaultStatistic(),
                    d.threshold(),
                    d.severity(),
                    d.minSamples() > 0 ? d.minSamples() : config.minSamples(),
                    config.recoveryWindows(),
                    true))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no default threshold for " + ThresholdRule.key(service, metric)));
  }

  private DocumentSnapshot seed(ThresholdRule.Default d) {
    var ref = db.collection(COLLECTION).document(ThresholdRule.docId(d.service(), d.metric()));
    Map<String, Object> doc = new HashMap<>();
    doc.put("service", d.service().wire());
    doc.put("metric", d.metric().wire());
    doc.put("statistic", d.metric().defaultStatistic().wire());
    doc.put("threshold", d.threshold());
    doc.put("severity", d.severity().wire());
    doc.put("enabled", true);
    if (d.minSamples() > 0) {
      doc.put("minSamples", (long) d.minSamples());
    }
    doc.put("updatedAt", Firestores.timestamp(clock.instant()));
    doc.put("updatedBy", "default");
    Firestores.createIfAbsent(
        ref, doc); // or another health check seeded it first: read what it wrote
    return Firestores.await(ref.get());
  }

  private ThresholdRule parse(DocumentSnapshot doc) {
    String[] parts = doc.getId().split("~", 2);
    MonitoredService service =
        parts.length == 2 ? MonitoredService.byWire(parts[0]).orElse(null) : null;
    Metric metric = parts.length == 2 ? Metric.byWire(parts[1]).orElse(null) : null;
    if (service == null || metric == null || !service.metrics().contains(metric)) {
      throw new IllegalArgumentException(
          "document id must be <service>~<metric> of a known service and one of its "
              + "metrics (services: "
              + String.join(", ", WireEnum.wireNames(MonitoredService.class))
              + ")");
    }
    Metric m = metric;
    Statistic statistic =
        Optional.ofNullable(doc.getString("statistic"))
            .map(
                s ->
                    Statistic.byWire(s)
                        .filter(m.statistics()::contains)
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    "statistic must be one of "
                                        + m.statistics().stream().map(Statistic::wire).toList())))
            .orElse(metric.defaultStatistic());
    if (!(doc.get("threshold") instanceof Number n)
        || !Double.isFinite(n.doubleValue())
        || n.doubleValue() < 0) {
      throw new IllegalArgumentException("threshold must be a non-negative number");
    }
    double threshold = ((Number) doc.get("threshold")).doubleValue();
    Severity severity = severity(doc.getString("severity"));
    Object enabledField = doc.get("enabled");
    if (enabledField != null && !(enabledField instanceof Boolean)) {
      throw new IllegalArgumentException("enabled must be true or false");
    }
    boolean enabled = enabledField == null || (Boolean) enabledField;
    int minSamples = optionalInt(doc, "minSamples", 1, 1_000_000).orElse(config.minSamples());
    int recovery = optionalInt(doc, "recoveryWindows", 1, 1440).orElse(config.recoveryWindows());
    return new ThresholdRule(
        service, metric, statistic, threshold, severity, minSamples, recovery, enabled);
  }

  private static Severity severity(String wire) {
    for (Severity s : Severity.values()) {
      if (s.wire().equals(wire == null ? null : wire.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("severity must be info, warning or critical");
  }

  private static Optional<Integer> optionalInt(
      DocumentSnapshot doc, String field, int min, int max) {
    Object value = doc.get(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Long n) || n < min || n > max) {
      throw new IllegalArgumentException(
          field + " must be a whole number from " + min + " to " + max);
    }
    return Optional.of(n.intValue());
  }
}

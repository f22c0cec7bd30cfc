package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The editable thresholds, {@code monitoringThresholds/{service~metric}} ({@link ThresholdCodec}).
 * Missing rules are created from the SPEC defaults on first read; an admin edits a document in
 * place and the next health check uses it. A document that does not parse is reported as a {@link
 * Problem} (and alerted by the health check), never silently replaced by a default.
 *
 * <p>The track functions count every sample against the service's enabled thresholds ({@link
 * #countedThresholds}); they read the thresholds from this instance's cache, at most {@code
 * MONITORING_THRESHOLD_CACHE_SECONDS} old (one query per instance per period, none per call), and
 * without seeding: a missing document counts as its default.
 */
final class ThresholdStore {
  static final String COLLECTION = "monitoringThresholds";

  private final Firestore db;
  private final Clock clock;
  private final MonitoringConfig config;
  private volatile Counted counted;

  ThresholdStore(Firestore db, Clock clock, MonitoringConfig config) {
    this.db = db;
    this.clock = clock;
    this.config = config;
  }

  /** The thresholds (thousandths of a unit) samples are counted against, per service. */
  private record Counted(Instant loadedAt, Map<MonitoredService, List<Long>> thresholds) {}

  /** A threshold document that could not be used. */
  record Problem(String documentId, String reason) {}

  record Thresholds(List<ThresholdRule> rules, List<Problem> problems) {}

  /** Every rule, creating missing defaults first (and refreshing this instance's cache). */
  Thresholds load() {
    Map<String, DocumentSnapshot> docs = documents();
    for (ThresholdRule.Default d : ThresholdRule.DEFAULTS) {
      String id = ThresholdRule.docId(d.service(), d.metric());
      if (!docs.containsKey(id)) {
        docs.put(id, seed(d));
      }
    }
    Thresholds loaded = parse(docs);
    counted = counted(loaded.rules());
    return loaded;
  }

  /**
   * The thresholds (in thousandths of the measure's unit) that samples of {@code service} are
   * counted against when recorded: its enabled value thresholds that {@link ThresholdCount} can
   * represent. From the cache; a missing document counts as its default (nothing is written).
   */
  List<Long> countedThresholds(MonitoredService service) {
    Counted c = counted;
    Instant now = clock.instant();
    if (c == null || !now.isBefore(c.loadedAt().plus(config.thresholdCacheTtl()))) {
      synchronized (this) {
        c = counted;
        if (c == null || !now.isBefore(c.loadedAt().plus(config.thresholdCacheTtl()))) {
          Map<String, DocumentSnapshot> docs = documents();
          List<ThresholdRule> rules = new ArrayList<>(parse(docs).rules());
          for (ThresholdRule.Default d : ThresholdRule.DEFAULTS) {
            if (!docs.containsKey(ThresholdRule.docId(d.service(), d.metric()))) {
              rules.add(defaultRule(d.service(), d.metric()));
            }
          }
          c = counted(rules);
          counted = c;
        }
      }
    }
    return c.thresholds().getOrDefault(service, List.of());
  }

  private Counted counted(List<ThresholdRule> rules) {
    Map<MonitoredService, List<Long>> byService = new EnumMap<>(MonitoredService.class);
    for (ThresholdRule rule : rules) {
      if (rule.countsSamples()) {
        ThresholdCount.milli(rule.threshold())
            .ifPresent(
                milli ->
                    byService.computeIfAbsent(rule.service(), s -> new ArrayList<>()).add(milli));
      }
    }
    byService.replaceAll((s, list) -> list.stream().distinct().sorted().toList());
    return new Counted(clock.instant(), byService);
  }

  private Map<String, DocumentSnapshot> documents() {
    Map<String, DocumentSnapshot> docs = new HashMap<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(db.collection(COLLECTION).limit(200).get()).getDocuments()) {
      docs.put(doc.getId(), doc);
    }
    return docs;
  }

  private Thresholds parse(Map<String, DocumentSnapshot> docs) {
    List<ThresholdRule> rules = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    docs.values().stream()
        .sorted((a, b) -> a.getId().compareTo(b.getId()))
        .forEach(
            doc -> {
              try {
                rules.add(ThresholdCodec.parse(doc, config));
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
        return ThresholdCodec.parse(doc, config);
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
                    1,
                    d.noDataWindows(),
                    true))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no default threshold for " + ThresholdRule.key(service, metric)));
  }

  private DocumentSnapshot seed(ThresholdRule.Default d) {
    var ref = db.collection(COLLECTION).document(ThresholdRule.docId(d.service(), d.metric()));
    // Or another health check seeded it first: read what it wrote.
    Firestores.createIfAbsent(ref, ThresholdCodec.seed(d, clock.instant()));
    return Firestores.await(ref.get());
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import com.google.cloud.firestore.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Firestore access for region documents ({@code regions/{id}}) and region-level events ({@code
 * regionEvents}). Every field is top-level; {@code recentChecks} is a list written whole.
 *
 * <p>Three writers touch a region document and never the same fields: {@code initializeRegions}
 * (definition fields), the health checks (health fields) and {@code forceFailover} (drain fields),
 * plus the failover migrator's {@code activeFailoverId} pointer. So none of them can undo another.
 */
public final class RegionStore {
  public static final String REGIONS = "regions";
  public static final String EVENTS = "regionEvents";

  private final Firestore db;

  public RegionStore(Firestore db) {
    this.db = db;
  }

  /** Every region, primary first then by priority. */
  public List<Region> loadAll() {
    return parseAll(Firestores.await(db.collection(REGIONS).get()));
  }

  /**
   * {@link #loadAll()} that gives up after {@code timeout} (the routing hot path must not hang on
   * Firestore).
   */
  List<Region> loadAll(Duration timeout) throws TimeoutException {
    return parseAll(Firestores.await(db.collection(REGIONS).get(), timeout));
  }

  public Optional<Region> find(String id) {
    DocumentSnapshot doc = Firestores.await(ref(id).get());
    return doc.exists() ? Optional.of(parse(doc)) : Optional.empty();
  }

  /** The region, or NOT_FOUND telling the admin to initialise regions first. */
  public Region require(String id) {
    return find(id)
        .orElseThrow(
            () -> ApiException.notFound("region " + id + " does not exist; run initializeRegions"));
  }

  /** Explicit per-region settings given to {@code initializeRegions}; null fields are not given. */
  public record RegionSettings(
      String endpoint, String healthUrl, Integer priority, Integer capacityWeight) {}

  /**
   * Creates missing region documents (definition + a fresh healthy status) and brings existing
   * ones' definition up to date: identity fields (name, city, GCP region, coordinates, primary)
   * always, URLs, priority and capacity weight only when {@code overrides} gives them, so an
   * admin's edit is never reset by a later plain call. Live fields (status, health, drain) are
   * never touched. Returns {@code created}, {@code updated} or {@code unchanged} per region.
   */
  public Map<String, String> initialize(
      List<RegionDefinition> definitions, Map<String, RegionSettings> overrides, Instant now) {
    return Firestores.await(
        db.runTransaction(
            tx -> {
              Map<String, DocumentSnapshot> current = new HashMap<>();
              for (RegionDefinition d : definitions) {
                current.put(d.id(), tx.get(ref(d.id())).get());
              }
              Map<String, String> outcome = new LinkedHashMap<>();
              for (RegionDefinition d : definitions) {
                RegionSettings o =
                    overrides.getOrDefault(d.id(), new RegionSettings(null, null, null, null));
                DocumentSnapshot doc = current.get(d.id());
                if (!doc.exists()) {
                  RegionDefinition desired =
                      d.withOverrides(
                          o.endpoint(), o.healthUrl(), o.priority(), o.capacityWeight());
                  Map<String, Object> fields = definitionFields(desired);
                  fields.put("configUpdatedAt", Firestores.timestamp(now));
                  fields.putAll(healthFields(HealthState.initial()));
                  fields.put("status", RegionStatus.HEALTHY.wire());
                  fields.put("statusChangedAt", Firestores.timestamp(now));
                  fields.put("statusReason", "initialized");
                  fields.put("heartbeatAt", null);
                  fields.put("alertedStatus", RegionStatus.HEALTHY.wire());
                  fields.put("drainingSince", null);
                  fields.put("drainingUntil", null);
                  fields.put("drainingReason", null);
                  fields.put("drainingBy", null);
                  fields.put("activeFailoverId", null);
                  tx.create(ref(d.id()), fields);
                  outcome.put(d.id(), "created");
                  continue;
                }
                RegionDefinition stored = parseDefinition(doc);
                RegionDefinition desired =
                    d.withUrls(stored.endpoint(), stored.healthUrl())
                        .withOverrides(
                            o.endpoint(),
                            o.healthUrl(),
                            o.priority() != null ? o.priority() : stored.priority(),
                            o.capacityWeight() != null
                                ? o.capacityWeight()
                                : stored.capacityWeight());
                Map<String, Object> wanted = definitionFields(desired);
                Map<String, Object> changes = new HashMap<>();
                wanted.forEach(
                    (field, value) -> {
                      if (!Objects.equals(normalise(doc.get(field)), normalise(value))) {
                        changes.put(field, value);
                      }
                    });
                if (changes.isEmpty()) {
                  outcome.put(d.id(), "unchanged");
                } else {
                  changes.put("configUpdatedAt", Firestores.timestamp(now));
                  tx.update(ref(d.id()), changes);
                  outcome.put(d.id(), "updated");
                }
              }
              return outcome;
            }));
  }

  /**
   * A status transition: the new status with the health data that caused it, and its event,
   * atomically.
   */
  void recordTransition(Region region, HealthState next, String reason, Instant at) {
    WriteBatch batch = db.batch();
    Map<String, Object> update = healthFields(next);
    update.put("status", next.status().wire());
    update.put("statusChangedAt", Firestores.timestamp(at));
    update.put("statusReason", reason);
    update.put("heartbeatAt", Firestores.timestamp(at));
    batch.update(ref(region.id()), update);
    Map<String, Object> event = event(region.id(), "status-changed", at);
    event.put("from", region.health().status().wire());
    event.put("to", next.status().wire());
    event.put("reason", reason);
    event.put("consecutiveFailures", next.consecutiveFailures());
    event.put("medianLatencyMs", next.medianLatencyMs());
    HealthCheck last = next.last();
    event.put("lastError", last == null ? null : last.error());
    batch.create(db.collection(EVENTS).document(), event);
    Firestores.await(batch.commit());
  }

  /** The heartbeat: streaks, window and latency figures, without a status change. */
  void saveHealth(String id, HealthState state, Instant at) {
    Map<String, Object> update = healthFields(state);
    update.put("heartbeatAt", Firestores.timestamp(at));
    Firestores.await(ref(id).update(update));
  }

  /**
   * Notes that the monitoring alert now matches {@code status} (so a failed raise is retried
   * later).
   */
  void markAlerted(String id, RegionStatus status) {
    Firestores.await(ref(id).update("alertedStatus", status.wire()));
  }

  /** Puts a region into manual draining (replacing any drain in force) and records the event. */
  Region drain(String id, Drain drain) {
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref(id)).get();
              if (!doc.exists()) {
                throw ApiException.notFound(
                    "region " + id + " does not exist; run initializeRegions");
              }
              Map<String, Object> update = new HashMap<>();
              update.put("drainingSince", Firestores.timestamp(drain.since()));
              update.put("drainingUntil", Firestores.timestamp(drain.until()));
              update.put("drainingReason", drain.reason());
              update.put("drainingBy", drain.by());
              tx.update(ref(id), update);
              Map<String, Object> event = event(id, "draining-started", drain.since());
              event.put("until", Firestores.timestamp(drain.until()));
              event.put("reason", drain.reason());
              event.put("by", drain.by());
              tx.create(db.collection(EVENTS).document(), event);
              Region before = parse(doc);
              return new Region(
                  before.definition(),
                  before.health(),
                  before.statusChangedAt(),
                  before.lastCheckAt(),
                  before.heartbeatAt(),
                  before.alertedStatus(),
                  drain,
                  before.activeFailoverId());
            }));
  }

  /** Ends a drain in force; false (and nothing written) when none was. */
  boolean clearDrain(String id, String by, String note, Instant now) {
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref(id)).get();
              if (!doc.exists()) {
                throw ApiException.notFound(
                    "region " + id + " does not exist; run initializeRegions");
              }
              Region region = parse(doc);
              if (region.activeDrain(now) == null) {
                return false;
              }
              Map<String, Object> update = new HashMap<>();
              update.put("drainingUntil", null);
              update.put("drainingSince", null);
              update.put("drainingReason", null);
              update.put("drainingBy", null);
              tx.update(ref(id), update);
              Map<String, Object> event = event(id, "draining-cleared", now);
              event.put("by", by);
              event.put("reason", note);
              tx.create(db.collection(EVENTS).document(), event);
              return true;
            }));
  }

  /** The newest region events, newest first. */
  public List<Map<String, Object>> recentEvents(int limit) {
    List<Map<String, Object>> events = new ArrayList<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(
                db.collection(EVENTS).orderBy("at", Query.Direction.DESCENDING).limit(limit).get())
            .getDocuments()) {
      Map<String, Object> e = new LinkedHashMap<>();
      doc.getData()
          .forEach((k, v) -> e.put(k, v instanceof Timestamp t ? Firestores.instant(t) : v));
      e.put("id", doc.getId());
      events.add(e);
    }
    return events;
  }

  /** A region event document, for writers outside this class (the failover migrator). */
  Map<String, Object> event(String regionId, String type, Instant at) {
    Map<String, Object> event = new HashMap<>();
    event.put("regionId", regionId);
    event.put("type", type);
    event.put("at", Firestores.timestamp(at));
    return event;
  }

  DocumentReference ref(String id) {
    return db.collection(REGIONS).document(id);
  }

  DocumentReference newEventRef() {
    return db.collection(EVENTS).document();
  }

  // ---- encoding ----

  private static Map<String, Object> definitionFields(RegionDefinition d) {
    Map<String, Object> f = new HashMap<>();
    f.put("id", d.id());
    f.put("name", d.name());
    f.put("city", d.city());
    f.put("gcpRegion", d.gcpRegion());
    f.put("lat", d.location().lat());
    f.put("lng", d.location().lng());
    f.put("primary", d.primary());
    f.put("priority", (long) d.priority());
    f.put("capacityWeight", (long) d.capacityWeight());
    f.put("endpoint", d.endpoint());
    f.put("healthUrl", d.healthUrl());
    return f;
  }

  private static Map<String, Object> healthFields(HealthState s) {
    Map<String, Object> f = new HashMap<>();
    f.put("consecutiveFailures", (long) s.consecutiveFailures());
    f.put("consecutiveSuccesses", (long) s.consecutiveSuccesses());
    List<Map<String, Object>> checks = new ArrayList<>();
    for (HealthCheck c : s.recent()) {
      Map<String, Object> m = new HashMap<>();
      m.put("at", Firestores.timestamp(c.at()));
      m.put("ok", c.ok());
      m.put("latencyMs", c.latencyMs());
      m.put("error", c.error());
      checks.add(m);
    }
    f.put("recentChecks", checks);
    HealthCheck last = s.last();
    f.put("lastCheckAt", last == null ? null : Firestores.timestamp(last.at()));
    f.put("lastLatencyMs", last == null ? null : last.latencyMs());
    f.put("lastError", last == null ? null : last.error());
    f.put("medianLatencyMs", s.medianLatencyMs());
    return f;
  }

  /**
   * Firestore hands back whole numbers as Long and our ints as Long too; compare like with like.
   */
  private static Object normalise(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    return value;
  }

  private static List<Region> parseAll(QuerySnapshot snapshot) {
    List<Region> regions = new ArrayList<>();
    for (QueryDocumentSnapshot doc : snapshot.getDocuments()) {
      regions.add(parse(doc));
    }
    regions.sort(
        Comparator.comparing((Region r) -> !r.definition().primary())
            .thenComparingInt(r -> r.definition().priority())
            .thenComparing(Region::id));
    return regions;
  }

  static Region parse(DocumentSnapshot doc) {
    RegionDefinition definition = parseDefinition(doc);
    List<HealthCheck> checks = new ArrayList<>();
    Object raw = doc.get("recentChecks");
    if (raw instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> m) {
          checks.add(
              new HealthCheck(
                  instant(m.get("at")),
                  Boolean.TRUE.equals(m.get("ok")),
                  m.get("latencyMs") instanceof Number n ? n.longValue() : null,
                  m.get("error") instanceof String s ? s : null));
        }
      }
    }
    HealthState health =
        new HealthState(
            RegionStatus.fromWire(doc.getString("status")),
            (int) number(doc, "consecutiveFailures", 0),
            (int) number(doc, "consecutiveSuccesses", 0),
            checks);
    if (health.status() == RegionStatus.DRAINING) {
      health =
          new HealthState(
              RegionStatus.UNHEALTHY,
              health.consecutiveFailures(),
              health.consecutiveSuccesses(),
              checks); // "draining" is never a stored health status; treat a corrupted value as
      // unsafe
    }
    Instant until = instant(doc.get("drainingUntil"));
    Drain drain =
        until == null
            ? null
            : new Drain(
                instant(doc.get("drainingSince")),
                until,
                doc.getString("drainingReason"),
                doc.getString("drainingBy"));
    String alerted = doc.getString("alertedStatus");
    return new Region(
        definition,
        health,
        instant(doc.get("statusChangedAt")),
        instant(doc.get("lastCheckAt")),
        instant(doc.get("heartbeatAt")),
        alerted == null ? null : RegionStatus.fromWire(alerted),
        drain,
        doc.getString("activeFailoverId"));
  }

  private static RegionDefinition parseDefinition(DocumentSnapshot doc) {
    return new RegionDefinition(
        doc.getId(),
        doc.getString("name"),
        doc.getString("city"),
        doc.getString("gcpRegion"),
        new GeoPoint(
            doc.getDouble("lat") == null ? 0 : doc.getDouble("lat"),
            doc.getDouble("lng") == null ? 0 : doc.getDouble("lng")),
        Boolean.TRUE.equals(doc.getBoolean("primary")),
        (int) number(doc, "priority", 100),
        (int) number(doc, "capacityWeight", 1),
        doc.getString("endpoint"),
        doc.getString("healthUrl"));
  }

  private static long number(DocumentSnapshot doc, String field, long defaultValue) {
    return doc.get(field) instanceof Number n ? n.longValue() : defaultValue;
  }

  private static Instant instant(Object value) {
    return value instanceof Timestamp t ? Firestores.instant(t) : null;
  }
}

package app.avalo.infra.scaling;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The scaling domain's Firestore state other than metrics. One document per logical service in each
 * of {@code scalingRules} (editable policy), {@code scalingState} (the controller's intent and what
 * was applied; written by evaluations only), {@code scalingBursts} (burst protection) and {@code
 * scalingOverrides} (manual scale), so each writer owns its document; and the decision log {@code
 * scalingEvents}. Every field that is queried or updated is top-level.
 */
public final class ScalingStore {
  public static final String RULES = "scalingRules";
  public static final String STATE = "scalingState";
  public static final String BURSTS = "scalingBursts";
  public static final String OVERRIDES = "scalingOverrides";
  public static final String EVENTS = "scalingEvents";

  /** A rule as stored, or the default when none is; {@code problems} non-empty means unusable. */
  public record RuleRead(ScalingRule rule, boolean stored, List<String> problems) {}

  /** Burst protection of one service: max instances raised while live. */
  public record Burst(
      boolean active,
      String trigger,
      String reason,
      Instant since,
      Instant expiresAt,
      String by,
      Double baselineRps,
      Double peakRps,
      Instant normalSince,
      Instant endedAt,
      String endReason) {

    public boolean liveAt(Instant now) {
      return active && (expiresAt == null || expiresAt.isAfter(now));
    }

    Map<String, Object> view(Instant now) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("active", liveAt(now));
      v.put("expired", active && !liveAt(now));
      v.put("trigger", trigger);
      v.put("reason", reason);
      v.put("since", since);
      v.put("expiresAt", expiresAt);
      v.put("by", by);
      v.put("baselineRps", baselineRps);
      v.put("peakRps", peakRps);
      v.put("normalSince", normalSince);
      v.put("endedAt", endedAt);
      v.put("endReason", endReason);
      return v;
    }
  }

  /**
   * A manual scale override: fixed {@code instances}, or min and/or max bounds, until it expires.
   */
  public record ManualOverride(
      Integer minInstances,
      Integer maxInstances,
      Integer instances,
      Instant setAt,
      Instant expiresAt,
      String by) {
    public boolean liveAt(Instant now) {
      return expiresAt != null && expiresAt.isAfter(now);
    }

    Map<String, Object> view(Instant now) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("active", liveAt(now));
      v.put("minInstances", minInstances);
      v.put("maxInstances", maxInstances);
      v.put("instances", instances);
      v.put("setAt", setAt);
      v.put("expiresAt", expiresAt);
      v.put("by", by);
      return v;
    }
  }

  /** The controller's memory of one service. {@code revision} guards concurrent evaluations. */
  public record ServiceState(
      long revision,
      Integer desiredInstances,
      Integer targetMin,
      Integer targetMax,
      String lastScaleAction,
      Instant lastScaleAt,
      Instant lastDecisionAt,
      String lastAction,
      String lastReason,
      String lastMessage,
      String lastEventId,
      Integer appliedMin,
      Integer appliedMax,
      Instant appliedAt,
      String actuationStatus,
      String actuationError) {
    static final ServiceState NONE =
        new ServiceState(
            0, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null);
  }

  /** How committing a decision went. */
  public enum Commit {
    COMMITTED,
    /** Another evaluation of the service committed first; this one changed nothing. */
    SUPERSEDED,
    /** This scheduled evaluation was already recorded (a redelivery). */
    DUPLICATE
  }

  /** One page of decisions, newest first. */
  public record EventPage(List<QueryDocumentSnapshot> events, boolean more) {}

  private final Firestore db;
  private final Duration eventRetention;

  public ScalingStore(Firestore db, Duration eventRetention) {
    this.db = db;
    this.eventRetention = eventRetention;
  }

  // ---- rules ----

  public Map<LogicalService, RuleRead> rules(int stabilizationSeconds) {
    return perService(
        RULES,
        doc -> readRule(LogicalService.byId(doc.getId()).orElseThrow(), doc, stabilizationSeconds));
  }

  public RuleRead rule(LogicalService service, int stabilizationSeconds) {
    return readRule(
        service,
        Firestores.await(db.collection(RULES).document(service.id()).get()),
        stabilizationSeconds);
  }

  /** Creates the default rule of every service that has none; edited rules are never touched. */
  public int seedMissingRules(int stabilizationSeconds, Instant now) {
    int created = 0;
    for (Map.Entry<LogicalService, RuleRead> e : rules(stabilizationSeconds).entrySet()) {
      if (e.getValue().stored()) {
        continue;
      }
      Map<String, Object> doc = e.getValue().rule().toDocument();
      doc.put("seededAt", Firestores.timestamp(now));
      // seeded concurrently by another instance: that copy is the rule
      if (Firestores.createIfAbsent(db.collection(RULES).document(e.getKey().id()), doc)) {
        created++;
      }
    }
    return created;
  }

  private static RuleRead readRule(
      LogicalService service, DocumentSnapshot doc, int stabilizationSeconds) {
    ScalingRule defaults = service.defaultRule(stabilizationSeconds);
    if (!doc.exists()) {
      return new RuleRead(defaults, false, List.of());
    }
    List<String> problems = new ArrayList<>();
    int min = intField(doc, "minInstances", problems);
    int max = intField(doc, "maxInstances", problems);
    double up = doubleField(doc, "scaleUpCpu", problems);
    double down = doubleField(doc, "scaleDownCpu", problems);
    Double target = doc.get("targetCpu") == null ? null : doubleField(doc, "targetCpu", problems);
    int cooldown = intField(doc, "cooldownSeconds", problems);
    int stabilization =
        doc.get("stabilizationSeconds") == null
            ? stabilizationSeconds
            : intField(doc, "stabilizationSeconds", problems);
    ScalingRule rule =
        new ScalingRule(service.id(), min, max, up, down, target, cooldown, stabilization);
    if (problems.isEmpty()) {
      problems.addAll(rule.problems());
    }
    return new RuleRead(problems.isEmpty() ? rule : defaults, true, List.copyOf(problems));
  }

  private static int intField(DocumentSnapshot doc, String field, List<String> problems) {
    Object v = doc.get(field);
    if (v instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) < 1e9) {
      return n.intValue();
    }
    problems.add(field + " must be a whole number");
    return 0;
  }

  private static double doubleField(DocumentSnapshot doc, String field, List<String> problems) {
    Object v = doc.get(field);
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    problems.add(field + " must be a number");
    return 0;
  }

  // ---- bursts ----

  public Map<LogicalService, Burst> bursts() {
    return perService(BURSTS, ScalingStore::burst);
  }

  public Burst burst(LogicalService service) {
    return burst(Firestores.await(db.collection(BURSTS).document(service.id()).get()));
  }

  private static Burst burst(DocumentSnapshot doc) {
    if (!doc.exists()) {
      return null;
    }
    return new Burst(
        Boolean.TRUE.equals(doc.getBoolean("active")),
        doc.getString("trigger"),
        doc.getString("reason"),
        instant(doc, "since"),
        instant(doc, "expiresAt"),
        doc.getString("by"),
        doc.getDouble("baselineRps"),
        doc.getDouble("peakRps"),
        instant(doc, "normalSince"),
        instant(doc, "endedAt"),
        doc.getString("endReason"));
  }

  public void saveBurst(LogicalService service, Burst b) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("service", service.id());
    doc.put("active", b.active());
    doc.put("trigger", b.trigger());
    doc.put("reason", b.reason());
    doc.put("since", ts(b.since()));
    doc.put("expiresAt", ts(b.expiresAt()));
    doc.put("by", b.by());
    doc.put("baselineRps", b.baselineRps());
    doc.put("peakRps", b.peakRps());
    doc.put("normalSince", ts(b.normalSince()));
    doc.put("endedAt", ts(b.endedAt()));
    doc.put("endReason", b.endReason());
    Firestores.await(db.collection(BURSTS).document(service.id()).set(doc));
  }

  // ---- overrides ----

  public Map<LogicalService, ManualOverride> overrides() {
    return perService(OVERRIDES, ScalingStore::override);
  }

  public ManualOverride override(LogicalService service) {
    return override(Firestores.await(db.collection(OVERRIDES).document(service.id()).get()));
  }

  private static ManualOverride override(DocumentSnapshot doc) {
    if (!doc.exists()) {
      return null;
    }
    return new ManualOverride(
        integer(doc, "minInstances"),
        integer(doc, "maxInstances"),
        integer(doc, "instances"),
        instant(doc, "setAt"),
        instant(doc, "expiresAt"),
        doc.getString("by"));
  }

  public void saveOverride(LogicalService service, ManualOverride o) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("service", service.id());
    doc.put("minInstances", o.minInstances());
    doc.put("maxInstances", o.maxInstances());
    doc.put("instances", o.instances());
    doc.put("setAt", ts(o.setAt()));
    doc.put("expiresAt", ts(o.expiresAt()));
    doc.put("by", o.by());
    Firestores.await(db.collection(OVERRIDES).document(service.id()).set(doc));
  }

  // ---- controller state ----

  public Map<LogicalService, ServiceState> states() {
    return perService(STATE, ScalingStore::state);
  }

  public ServiceState state(LogicalService service) {
    return state(Firestores.await(db.collection(STATE).document(service.id()).get()));
  }

  private static ServiceState state(DocumentSnapshot doc) {
    if (!doc.exists()) {
      return ServiceState.NONE;
    }
    Long revision = doc.getLong("revision");
    return new ServiceState(
        revision == null ? 0 : revision,
        integer(doc, "desiredInstances"),
        integer(doc, "targetMin"),
        integer(doc, "targetMax"),
        doc.getString("lastScaleAction"),
        instant(doc, "lastScaleAt"),
        instant(doc, "lastDecisionAt"),
        doc.getString("lastAction"),
        doc.getString("lastReason"),
        doc.getString("lastMessage"),
        doc.getString("lastEventId"),
        integer(doc, "appliedMin"),
        integer(doc, "appliedMax"),
        instant(doc, "appliedAt"),
        doc.getString("actuationStatus"),
        doc.getString("actuationError"));
  }

  /**
   * Records a decision: the new state and its event, atomically, only if no other evaluation
   * committed since {@code expectedRevision} was read and the event id is new.
   */
  public Commit commitDecision(
      LogicalService service,
      long expectedRevision,
      String eventId,
      Map<String, Object> event,
      Map<String, Object> stateFields) {
    DocumentReference stateRef = db.collection(STATE).document(service.id());
    DocumentReference eventRef = db.collection(EVENTS).document(eventId);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot current = tx.get(stateRef).get();
              Long stored = current.exists() ? current.getLong("revision") : null;
              long revision = stored == null ? 0 : stored;
              if (revision != expectedRevision) {
                return Commit.SUPERSEDED;
              }
              if (tx.get(eventRef).get().exists()) {
                return Commit.DUPLICATE;
              }
              Map<String, Object> fields = new HashMap<>(stateFields);
              fields.put("service", service.id());
              fields.put("revision", revision + 1);
              fields.put("lastEventId", eventId);
              tx.set(stateRef, fields, SetOptions.merge());
              tx.create(eventRef, withExpiry(event));
              return Commit.COMMITTED;
            }));
  }

  /** Stores what the actuator did, on the event and the state. */
  public void recordActuation(
      LogicalService service,
      String eventId,
      Map<String, Object> actuation,
      Map<String, Object> stateFields) {
    WriteBatch batch = db.batch();
    batch.update(db.collection(EVENTS).document(eventId), "actuation", actuation);
    batch.set(db.collection(STATE).document(service.id()), stateFields, SetOptions.merge());
    Firestores.await(batch.commit());
  }

  public boolean eventExists(String eventId) {
    return Firestores.await(db.collection(EVENTS).document(eventId).get()).exists();
  }

  // ---- events ----

  /** Records an event that is not a controller decision (burst on/off). */
  public void addEvent(String eventId, Map<String, Object> event) {
    Firestores.await(db.collection(EVENTS).document(eventId).set(withExpiry(event)));
  }

  /**
   * Decisions newest first, optionally for one service and in {@code [from, to)}; continues after
   * ({@code afterAt}, {@code afterId}) when given.
   */
  public EventPage events(
      LogicalService service,
      Instant from,
      Instant to,
      int limit,
      Instant afterAt,
      String afterId) {
    Query q = db.collection(EVENTS);
    if (service != null) {
      q = q.whereEqualTo("service", service.id());
    }
    if (from != null) {
      q = q.whereGreaterThanOrEqualTo("at", Firestores.timestamp(from));
    }
    if (to != null) {
      q = q.whereLessThan("at", Firestores.timestamp(to));
    }
    q =
        q.orderBy("at", Query.Direction.DESCENDING)
            .orderBy(FieldPath.documentId(), Query.Direction.DESCENDING);
    if (afterAt != null) {
      q = q.startAfter(Firestores.timestamp(afterAt), afterId);
    }
    List<QueryDocumentSnapshot> docs = Firestores.await(q.limit(limit + 1).get()).getDocuments();
    boolean more = docs.size() > limit;
    return new EventPage(more ? docs.subList(0, limit) : docs, more);
  }

  private Map<String, Object> withExpiry(Map<String, Object> event) {
    Map<String, Object> doc = new HashMap<>(event);
    Object at = doc.get("at");
    Instant base = at instanceof Timestamp t ? Firestores.instant(t) : Instant.EPOCH;
    doc.put("expireAt", Firestores.timestamp(base.plus(eventRetention)));
    return doc;
  }

  // ---- helpers ----

  /**
   * Every service's document of a collection in one read, parsed; services that parse to null are
   * left out.
   */
  private <T> Map<LogicalService, T> perService(
      String collection, Function<DocumentSnapshot, T> parse) {
    DocumentReference[] refs =
        Arrays.stream(LogicalService.values())
            .map(s -> db.collection(collection).document(s.id()))
            .toArray(DocumentReference[]::new);
    Map<LogicalService, T> out = new EnumMap<>(LogicalService.class);
    for (DocumentSnapshot doc : Firestores.await(db.getAll(refs))) {
      T value = parse.apply(doc);
      if (value != null) {
        out.put(LogicalService.byId(doc.getId()).orElseThrow(), value);
      }
    }
    return out;
  }

  static Timestamp ts(Instant instant) {
    return instant == null ? null : Firestores.timestamp(instant);
  }

  private static Instant instant(DocumentSnapshot doc, String field) {
    return Firestores.instant(doc.getTimestamp(field));
  }

  private static Integer integer(DocumentSnapshot doc, String field) {
    Long v = doc.getLong(field);
    return v == null ? null : v.intValue();
  }
}

package app.avalo.infra.scaling;

import app.avalo.infra.platform.Firestores;
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
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The scaling domain's Firestore state other than metrics. One document per logical service in each
 * of {@code scalingRules} (editable policy), {@code scalingState} (the controller's intent and what
 * was applied; written by evaluations only), {@code scalingBursts} (burst protection) and {@code
 * scalingOverrides} (manual scale), so each writer owns its document; and the decision log {@code
 * scalingEvents}. Every field that is queried or updated is top-level. The documents' fields are
 * the codecs' business ({@link ScalingRuleCodec}, {@link ServiceStateCodec}, {@link BurstCodec},
 * {@link ManualOverrideCodec}, {@link ScalingEventCodec}).
 */
final class ScalingStore {
  static final String RULES = "scalingRules";
  static final String STATE = "scalingState";
  static final String BURSTS = "scalingBursts";
  static final String OVERRIDES = "scalingOverrides";
  static final String EVENTS = "scalingEvents";

  /** One page of events, newest first. */
  record EventPage(List<StoredEvent> events, boolean more) {}

  private final Firestore db;
  private final Duration eventRetention;

  ScalingStore(Firestore db, Duration eventRetention) {
    this.db = db;
    this.eventRetention = eventRetention;
  }

  // ---- rules ----

  Map<LogicalService, RuleRead> rules(int stabilizationSeconds) {
    return perService(
        RULES,
        doc ->
            ScalingRuleCodec.read(
                LogicalService.byId(doc.getId()).orElseThrow(), doc, stabilizationSeconds));
  }

  RuleRead rule(LogicalService service, int stabilizationSeconds) {
    return ScalingRuleCodec.read(
        service,
        Firestores.await(db.collection(RULES).document(service.id()).get()),
        stabilizationSeconds);
  }

  /** Creates the default rule of every service that has none; edited rules are never touched. */
  int seedMissingRules(int stabilizationSeconds, Instant now) {
    int created = 0;
    for (Map.Entry<LogicalService, RuleRead> e : rules(stabilizationSeconds).entrySet()) {
      if (e.getValue().stored()) {
        continue;
      }
      // seeded concurrently by another instance: that copy is the rule
      if (Firestores.createIfAbsent(
          db.collection(RULES).document(e.getKey().id()),
          ScalingRuleCodec.seed(e.getValue().rule(), now))) {
        created++;
      }
    }
    return created;
  }

  // ---- bursts ----

  Map<LogicalService, Burst> bursts() {
    return perService(BURSTS, BurstCodec::read);
  }

  Burst burst(LogicalService service) {
    return BurstCodec.read(Firestores.await(db.collection(BURSTS).document(service.id()).get()));
  }

  void saveBurst(LogicalService service, Burst burst) {
    Firestores.await(
        db.collection(BURSTS).document(service.id()).set(BurstCodec.write(service, burst)));
  }

  // ---- overrides ----

  Map<LogicalService, ManualOverride> overrides() {
    return perService(OVERRIDES, ManualOverrideCodec::read);
  }

  ManualOverride override(LogicalService service) {
    return ManualOverrideCodec.read(
        Firestores.await(db.collection(OVERRIDES).document(service.id()).get()));
  }

  void saveOverride(LogicalService service, ManualOverride override) {
    Firestores.await(
        db.collection(OVERRIDES)
            .document(service.id())
            .set(ManualOverrideCodec.write(service, override)));
  }

  // ---- controller state ----

  Map<LogicalService, ServiceState> states() {
    return perService(STATE, ServiceStateCodec::read);
  }

  ServiceState state(LogicalService service) {
    return ServiceStateCodec.read(
        Firestores.await(db.collection(STATE).document(service.id()).get()));
  }

  /**
   * Records a decision: the new state and its event, atomically, only if no other evaluation
   * committed since {@code expectedRevision} was read and the event id is new.
   */
  Commit commitDecision(RecordedDecision decision, long expectedRevision) {
    DocumentReference stateRef = db.collection(STATE).document(decision.service().id());
    DocumentReference eventRef = db.collection(EVENTS).document(decision.eventId());
    return Firestores.await(
        db.runTransaction(
            tx -> {
              long revision = ServiceStateCodec.revision(tx.get(stateRef).get());
              if (revision != expectedRevision) {
                return Commit.SUPERSEDED;
              }
              if (tx.get(eventRef).get().exists()) {
                return Commit.DUPLICATE;
              }
              tx.set(
                  stateRef, ServiceStateCodec.decided(decision, revision + 1), SetOptions.merge());
              tx.create(eventRef, ScalingEventCodec.decision(decision, eventRetention));
              return Commit.COMMITTED;
            }));
  }

  /** Stores what the actuator did, on the event and the state. */
  void recordActuation(RecordedDecision decision, Actuator.Result result) {
    WriteBatch batch = db.batch();
    batch.update(
        db.collection(EVENTS).document(decision.eventId()),
        "actuation",
        ScalingEventCodec.actuation(ActuationReport.of(result)));
    batch.set(
        db.collection(STATE).document(decision.service().id()),
        ServiceStateCodec.actuated(
            result,
            decision.targetMin(),
            decision.targetMax(),
            decision.targetsKey(),
            decision.at()),
        SetOptions.merge());
    Firestores.await(batch.commit());
  }

  boolean eventExists(String eventId) {
    return Firestores.await(db.collection(EVENTS).document(eventId).get()).exists();
  }

  // ---- events ----

  /** Records a burst change (an event that is not a controller decision). */
  void addBurstEvent(BurstEvent event) {
    Firestores.await(
        db.collection(EVENTS)
            .document(event.eventId())
            .set(ScalingEventCodec.burst(event, eventRetention)));
  }

  /**
   * Events newest first, optionally for one service and in {@code [from, to)}; continues after
   * ({@code afterAt}, {@code afterId}) when given.
   */
  EventPage events(
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
    return new EventPage(
        (more ? docs.subList(0, limit) : docs).stream().map(ScalingEventCodec::read).toList(),
        more);
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
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.WireEnum;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.ListenerRegistration;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Firestore access for region documents ({@code regions/{id}}, {@link RegionCodec}) and
 * region-level events ({@code regionEvents}, {@link RegionEventCodec}).
 *
 * <p>Three writers touch a region document and never the same fields: {@code initializeRegions}
 * (definition fields), the health checks (health fields) and {@code forceFailover} (drain fields),
 * plus the failover migrator's {@code activeFailoverId} pointer. So none of them can undo another.
 */
final class RegionStore {
  static final String REGIONS = "regions";
  static final String EVENTS = "regionEvents";

  /** What {@link #initialize} did to one region document. */
  enum Outcome implements WireEnum {
    CREATED,
    UPDATED,
    UNCHANGED;

    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Firestore db;

  RegionStore(Firestore db) {
    this.db = db;
  }

  /** Every region, primary first then by priority. */
  List<Region> loadAll() {
    return parseAll(Firestores.await(db.collection(REGIONS).get()));
  }

  /**
   * {@link #loadAll()} that gives up after {@code timeout} (the routing hot path must not hang on
   * Firestore).
   */
  List<Region> loadAll(Duration timeout) throws TimeoutException {
    return parseAll(Firestores.await(db.collection(REGIONS).get(), timeout));
  }

  /**
   * Delivers every region on each change of the collection (a snapshot listener; the first delivery
   * is the current state), and {@code onError} when the stream fails for good.
   */
  AutoCloseable listenAll(Consumer<List<Region>> onSnapshot, Consumer<Throwable> onError) {
    ListenerRegistration registration =
        db.collection(REGIONS)
            .addSnapshotListener(
                (snapshot, error) -> {
                  if (error != null) {
                    onError.accept(error);
                  } else if (snapshot != null) {
                    onSnapshot.accept(parseAll(snapshot));
                  }
                });
    return registration::remove;
  }

  Optional<Region> find(String id) {
    DocumentSnapshot doc = Firestores.await(ref(id).get());
    return doc.exists() ? Optional.of(RegionCodec.fromDoc(doc)) : Optional.empty();
  }

  /** Reads one region document within {@code timeout} ({@code regionHealth}'s dependency check). */
  void readWithin(String id, Duration timeout) throws TimeoutException {
    Firestores.await(ref(id).get(), timeout);
  }

  /** The region, or NOT_FOUND telling the admin to initialise regions first. */
  Region require(String id) {
    return find(id).orElseThrow(() -> notInitialized(id));
  }

  static ApiException notInitialized(String id) {
    return ApiException.notFound("region " + id + " does not exist; run initializeRegions");
  }

  /**
   * Creates missing region documents (definition + a fresh healthy status) and brings existing
   * ones' definition up to date: identity fields (name, city, GCP region, coordinates, primary)
   * always, URLs, priority and capacity weight only when {@code settings} gives them, so an admin's
   * edit is never reset by a later plain call. Live fields (status, health, drain) are never
   * touched. Returns what happened to each region, in definition order.
   */
  Map<String, Outcome> initialize(
      List<RegionDefinition> definitions, Map<String, RegionSettings> settings, Instant now) {
    return Firestores.await(
        db.runTransaction(
            tx -> {
              Map<String, DocumentSnapshot> current = new HashMap<>();
              for (RegionDefinition d : definitions) {
                current.put(d.id(), tx.get(ref(d.id())).get());
              }
              Map<String, Outcome> outcome = new LinkedHashMap<>();
              for (RegionDefinition d : definitions) {
                RegionSettings o = settings.getOrDefault(d.id(), RegionSettings.NONE);
                DocumentSnapshot doc = current.get(d.id());
                if (!doc.exists()) {
                  RegionDefinition desired =
                      d.withOverrides(
                          o.endpoint(), o.healthUrl(), o.priority(), o.capacityWeight());
                  tx.create(ref(d.id()), RegionCodec.created(desired, now));
                  outcome.put(d.id(), Outcome.CREATED);
                  continue;
                }
                RegionDefinition stored = RegionCodec.definitionFromDoc(doc);
                RegionDefinition desired =
                    d.withUrls(stored.endpoint(), stored.healthUrl())
                        .withOverrides(
                            o.endpoint(),
                            o.healthUrl(),
                            o.priority() != null ? o.priority() : stored.priority(),
                            o.capacityWeight() != null
                                ? o.capacityWeight()
                                : stored.capacityWeight());
                Map<String, Object> changes = new HashMap<>();
                RegionCodec.definition(desired)
                    .forEach(
                        (field, value) -> {
                          if (!Objects.equals(normalise(doc.get(field)), normalise(value))) {
                            changes.put(field, value);
                          }
                        });
                if (changes.isEmpty()) {
                  outcome.put(d.id(), Outcome.UNCHANGED);
                } else {
                  changes.putAll(RegionCodec.configUpdated(now));
                  tx.update(ref(d.id()), changes);
                  outcome.put(d.id(), Outcome.UPDATED);
                }
              }
              return outcome;
            }));
  }

  /**
   * A status transition — the new status with the health data that caused it, and its event — if
   * the stored status is still the one {@code region} holds, atomically: several vantages decide
   * the same quorum, and only the first writes the change. Returns the region as stored when
   * another vantage changed its status first (nothing written).
   */
  Optional<Region> recordTransition(Region region, HealthState next, String reason, Instant at) {
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref(region.id())).get();
              if (!doc.exists()) {
                throw notInitialized(region.id());
              }
              Region stored = RegionCodec.fromDoc(doc);
              if (stored.health().status() != region.health().status()) {
                return Optional.of(stored);
              }
              tx.update(ref(region.id()), RegionCodec.transition(next, reason, at));
              tx.create(
                  newEventRef(),
                  RegionEventCodec.statusChanged(
                      region.id(), region.health().status(), next, reason, at));
              return Optional.<Region>empty();
            }));
  }

  /** The heartbeat: streaks, window and latency figures, without a status change. */
  void saveHealth(String id, HealthState state, Instant at) {
    Firestores.await(ref(id).update(RegionCodec.heartbeat(state, at)));
  }

  /**
   * Notes that the monitoring alert now matches {@code status} (so a failed raise is retried
   * later).
   */
  void markAlerted(String id, RegionStatus status) {
    Firestores.await(ref(id).update(RegionCodec.alerted(status)));
  }

  /** Puts a region into manual draining (replacing any drain in force) and records the event. */
  Region drain(String id, Drain drain) {
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot doc = tx.get(ref(id)).get();
              if (!doc.exists()) {
                throw notInitialized(id);
              }
              tx.update(ref(id), RegionCodec.drain(drain));
              tx.create(newEventRef(), RegionEventCodec.drainingStarted(id, drain));
              Region before = RegionCodec.fromDoc(doc);
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
                throw notInitialized(id);
              }
              if (RegionCodec.fromDoc(doc).activeDrain(now) == null) {
                return false;
              }
              tx.update(ref(id), RegionCodec.drainCleared());
              tx.create(newEventRef(), RegionEventCodec.drainingCleared(id, by, note, now));
              return true;
            }));
  }

  /** The newest region events, newest first. */
  List<RegionEvent> recentEvents(int limit) {
    List<RegionEvent> events = new ArrayList<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(
                db.collection(EVENTS)
                    .orderBy(RegionEventCodec.AT, Query.Direction.DESCENDING)
                    .limit(limit)
                    .get())
            .getDocuments()) {
      events.add(RegionEventCodec.fromDoc(doc));
    }
    return events;
  }

  DocumentReference ref(String id) {
    return db.collection(REGIONS).document(id);
  }

  DocumentReference newEventRef() {
    return db.collection(EVENTS).document();
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
      regions.add(RegionCodec.fromDoc(doc));
    }
    regions.sort(
        Comparator.comparing((Region r) -> !r.definition().primary())
            .thenComparingInt(r -> r.definition().priority())
            .thenComparing(Region::id));
    return regions;
  }
}

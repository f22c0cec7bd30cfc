package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.AggregateField;
import com.google.cloud.firestore.AggregateQuerySnapshot;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The asset registry, {@code cdnAssets/{assetId}}. A document is written whole when its job ends
 * (ready or failed) — variants are an opaque array — and only top-level fields are queried: {@code
 * type}, {@code status}, {@code updatedAt}, {@code totalBytes}, {@code variantCount}.
 */
final class AssetStore {
  static final String PROCESSING = "processing";
  static final String READY = "ready";
  static final String FAILED = "failed";

  /**
   * Removed by takedownAsset or eraseUserMedia: objects deleted, record kept for the audit trail.
   */
  static final String TAKEN_DOWN = "taken_down";

  private final Firestore db;
  private final Clock clock;

  AssetStore(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** One asset as read back. */
  record Asset(
      String id,
      AssetType type,
      String status,
      String owner,
      int width,
      int height,
      String placeholder,
      List<Variant> variants,
      String storagePrefix,
      String failureReason,
      Instant updatedAt,
      Map<String, Object> raw) {

    boolean ready() {
      return READY.equals(status);
    }

    boolean takenDown() {
      return TAKEN_DOWN.equals(status);
    }

    /**
     * Private media: stored under {@code private/}, served only by signed URL to its owner or an
     * admin.
     */
    boolean privateMedia() {
      return storagePrefix != null && MediaStorage.isPrivate(storagePrefix);
    }
  }

  /** Count, bytes and variants of the assets of one type and status. */
  record Totals(long assets, long bytes, long variants) {}

  /**
   * Claims asset {@code id} for a long job: creates it as processing, or restarts it if its last
   * attempt failed. Returns the existing asset (and claims nothing) when another attempt is
   * processing or has finished.
   */
  Optional<Asset> startProcessing(
      String id, AssetType type, String owner, Map<String, Object> fields) {
    DocumentReference ref = db.collection(CdnCollections.ASSETS).document(id);
    Map<String, Object> doc = base(id, type, owner, PROCESSING);
    doc.putAll(fields);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot current = tx.get(ref).get();
              if (current.exists() && !FAILED.equals(current.getString("status"))) {
                return Optional.of(toAsset(current));
              }
              tx.set(ref, doc);
              return Optional.<Asset>empty();
            }));
  }

  /** Writes the finished asset (replacing a processing record or an older avatar version). */
  void saveReady(
      String id,
      AssetType type,
      String owner,
      Map<String, Object> fields,
      List<Variant> variants,
      Instant createdAt) {
    Map<String, Object> doc = base(id, type, owner, READY);
    doc.putAll(fields);
    long bytes = 0;
    List<Map<String, Object>> list = new ArrayList<>();
    for (Variant v : variants) {
      bytes += v.bytes();
      list.add(v.toMap());
    }
    doc.put("variants", list);
    doc.put("variantCount", (long) variants.size());
    doc.put("totalBytes", bytes);
    doc.put("readyAt", Firestores.timestamp(clock.instant()));
    if (createdAt != null) {
      doc.put("createdAt", Firestores.timestamp(createdAt));
    }
    DocumentReference ref = db.collection(CdnCollections.ASSETS).document(id);
    Firestores.await(
        db.runTransaction(
            tx -> {
              // A takedown during processing wins: the job's objects are removed by its failure
              // path.
              if (TAKEN_DOWN.equals(tx.get(ref).get().getString("status"))) {
                throw ApiException.notFound(
                    "asset " + id + " was taken down while it was processed");
              }
              tx.set(ref, doc);
              return null;
            }));
  }

  void markFailed(String id, String reason) {
    markFailed(id, reason, Map.of());
  }

  /**
   * Marks the asset failed with the reason and {@code extra} fields (e.g. the dead-letter facts).
   */
  void markFailed(String id, String reason, Map<String, Object> extra) {
    DocumentReference ref = db.collection(CdnCollections.ASSETS).document(id);
    Firestores.await(
        db.runTransaction(
            tx -> {
              if (TAKEN_DOWN.equals(tx.get(ref).get().getString("status"))) {
                return null; // stays taken down
              }
              Map<String, Object> update = new HashMap<>(extra);
              update.put("status", FAILED);
              update.put("failureReason", reason);
              update.put("updatedAt", Firestores.timestamp(clock.instant()));
              tx.update(ref, update);
              return null;
            }));
  }

  /**
   * Updates fields of an asset that is still {@code processing} (queue bookkeeping, progress, the
   * last attempt's error); returns false and writes nothing once it is anything else, so a late
   * progress report never touches a finished, failed or taken-down record.
   */
  boolean updateProcessing(String id, Map<String, Object> fields) {
    DocumentReference ref = db.collection(CdnCollections.ASSETS).document(id);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              if (!PROCESSING.equals(tx.get(ref).get().getString("status"))) {
                return false;
              }
              Map<String, Object> update = new HashMap<>(fields);
              update.put("updatedAt", Firestores.timestamp(clock.instant()));
              tx.update(ref, update);
              return true;
            }));
  }

  /**
   * Marks an asset taken down once its objects are gone: variants cleared (so statistics stop
   * counting them), who, why and when recorded. Returns false if it was already taken down.
   */
  boolean markTakenDown(String id, String reason, String by, int objectsDeleted) {
    DocumentReference ref = db.collection(CdnCollections.ASSETS).document(id);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot current = tx.get(ref).get();
              if (!current.exists() || TAKEN_DOWN.equals(current.getString("status"))) {
                return false;
              }
              Map<String, Object> update = new HashMap<>();
              update.put("status", TAKEN_DOWN);
              update.put("statusBeforeTakedown", current.getString("status"));
              update.put("takedownReason", reason);
              update.put("takenDownBy", by);
              update.put("takenDownAt", Firestores.timestamp(clock.instant()));
              update.put("objectsDeleted", (long) objectsDeleted);
              update.put("variants", List.of());
              update.put("variantCount", 0L);
              update.put("totalBytes", 0L);
              update.put("updatedAt", Firestores.timestamp(clock.instant()));
              tx.update(ref, update);
              return true;
            }));
  }

  /**
   * The next {@code limit} assets of {@code owner} after asset id {@code after} (null: from the
   * start), in id order, whatever their status — a stable cursor for resumable erasure. Equality on
   * {@code owner} plus the document id order needs no composite index.
   */
  List<Asset> ownedBy(String owner, String after, int limit) {
    Query query =
        db.collection(CdnCollections.ASSETS)
            .whereEqualTo("owner", owner)
            .orderBy(FieldPath.documentId())
            .limit(limit);
    if (after != null) {
      query = query.startAfter(after);
    }
    return query(query);
  }

  Optional<Asset> find(String id) {
    DocumentSnapshot doc =
        Firestores.await(db.collection(CdnCollections.ASSETS).document(id).get());
    return doc.exists() ? Optional.of(toAsset(doc)) : Optional.empty();
  }

  Totals totals(AssetType type, String status) {
    AggregateField.SumAggregateField bytes = AggregateField.sum("totalBytes");
    AggregateField.SumAggregateField variants = AggregateField.sum("variantCount");
    AggregateQuerySnapshot snapshot =
        Firestores.await(
            db.collection(CdnCollections.ASSETS)
                .whereEqualTo("type", type.wire())
                .whereEqualTo("status", status)
                .aggregate(AggregateField.count(), bytes, variants)
                .get());
    return new Totals(
        snapshot.getCount(), longOf(snapshot.get(bytes)), longOf(snapshot.get(variants)));
  }

  /** The latest failures, newest first (composite index: status, updatedAt desc). */
  List<Asset> recentFailures(int limit) {
    return query(
        db.collection(CdnCollections.ASSETS)
            .whereEqualTo("status", FAILED)
            .orderBy("updatedAt", Query.Direction.DESCENDING)
            .limit(limit));
  }

  /**
   * Jobs still "processing" although last touched before {@code before} (composite index: status,
   * updatedAt).
   */
  List<Asset> staleProcessing(Instant before, int limit) {
    return query(
        db.collection(CdnCollections.ASSETS)
            .whereEqualTo("status", PROCESSING)
            .whereLessThan("updatedAt", Firestores.timestamp(before))
            .orderBy("updatedAt")
            .limit(limit));
  }

  private List<Asset> query(Query query) {
    List<Asset> out = new ArrayList<>();
    for (DocumentSnapshot doc : Firestores.await(query.get()).getDocuments()) {
      out.add(toAsset(doc));
    }
    return out;
  }

  private Map<String, Object> base(String id, AssetType type, String owner, String status) {
    Timestamp now = Firestores.timestamp(clock.instant());
    Map<String, Object> doc = new HashMap<>();
    doc.put("assetId", id);
    doc.put("type", type.wire());
    doc.put("owner", owner);
    doc.put("status", status);
    doc.put("createdAt", now);
    doc.put("updatedAt", now);
    doc.put("variantCount", 0L);
    doc.put("totalBytes", 0L);
    return doc;
  }

  @SuppressWarnings("unchecked")
  private static Asset toAsset(DocumentSnapshot doc) {
    List<Variant> variants = new ArrayList<>();
    Object raw = doc.get("variants");
    if (raw instanceof List<?> list) {
      for (Object o : list) {
        variants.add(Variant.fromMap((Map<String, Object>) o));
      }
    }
    Long w = doc.getLong("width");
    Long h = doc.getLong("height");
    return new Asset(
        doc.getId(),
        AssetType.fromWire(doc.getString("type")),
        doc.getString("status"),
        doc.getString("owner"),
        w == null ? 0 : w.intValue(),
        h == null ? 0 : h.intValue(),
        doc.getString("placeholder"),
        variants,
        doc.getString("storagePrefix"),
        doc.getString("failureReason"),
        Firestores.instant(doc.getTimestamp("updatedAt")),
        doc.getData());
  }

  private static long longOf(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }
}

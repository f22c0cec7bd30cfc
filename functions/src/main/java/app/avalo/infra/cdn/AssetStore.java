package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The asset registry, {@code cdnAssets/{assetId}} ({@link AssetCodec}). A document is written whole
 * when its job ends (ready or failed) — variants are an opaque array — and changed in transactions
 * that keep a taken-down asset taken down.
 */
final class AssetStore {
  private final Firestore db;
  private final Clock clock;

  AssetStore(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Count, bytes and variants of the assets of one type and status. */
  record Totals(long assets, long bytes, long variants) {}

  /**
   * Claims asset {@code id} for a long job: creates it as processing, or restarts it if its last
   * attempt failed. Returns the existing asset (and claims nothing) when another attempt is
   * processing or has finished.
   */
  Optional<Asset> startProcessing(
      String id, AssetType type, String owner, AssetDetails details, VideoJob job) {
    DocumentReference ref = ref(id);
    DocWriter doc =
        AssetCodec.job(
            AssetCodec.details(
                AssetCodec.base(id, type, owner, AssetStatus.PROCESSING, clock.instant()), details),
            job);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot current = tx.get(ref).get();
              if (current.exists() && AssetCodec.status(current) != AssetStatus.FAILED) {
                return Optional.of(AssetCodec.fromDoc(current));
              }
              tx.set(ref, doc.map());
              return Optional.<Asset>empty();
            }));
  }

  /**
   * Writes the finished asset (replacing a processing record or an older avatar version); {@code
   * createdAt} keeps the first version's creation time (null: now).
   */
  void saveReady(
      String id,
      AssetType type,
      String owner,
      AssetDetails details,
      VideoJob job,
      List<Variant> variants,
      Instant createdAt) {
    Instant now = clock.instant();
    DocWriter doc =
        AssetCodec.createdAt(
            AssetCodec.ready(
                AssetCodec.job(
                    AssetCodec.details(
                        AssetCodec.base(id, type, owner, AssetStatus.READY, now), details),
                    job),
                variants,
                now),
            createdAt);
    DocumentReference ref = ref(id);
    Firestores.await(
        db.runTransaction(
            tx -> {
              // A takedown during processing wins: the job's objects are removed by its failure
              // path.
              if (AssetCodec.status(tx.get(ref).get()) == AssetStatus.TAKEN_DOWN) {
                throw ApiException.notFound(
                    "asset " + id + " was taken down while it was processed");
              }
              tx.set(ref, doc.map());
              return null;
            }));
  }

  void markFailed(String id, String reason) {
    update(id, AssetCodec.failed(reason, clock.instant()));
  }

  /** Marks a video failed after {@code attempts} attempts of its transcode. */
  void markFailed(String id, String reason, int attempts) {
    update(id, AssetCodec.failedAttempt(reason, clock.instant(), attempts, false, null));
  }

  /** Marks a video failed for good: the queue's last attempt failed with {@code lastError}. */
  void markDeadLettered(String id, String reason, int attempts, String lastError) {
    update(id, AssetCodec.failedAttempt(reason, clock.instant(), attempts, true, lastError));
  }

  private void update(String id, Map<String, Object> update) {
    DocumentReference ref = ref(id);
    Firestores.await(
        db.runTransaction(
            tx -> {
              if (AssetCodec.status(tx.get(ref).get()) == AssetStatus.TAKEN_DOWN) {
                return null; // stays taken down
              }
              tx.update(ref, update);
              return null;
            }));
  }

  /** Records that the transcode task of a processing video was queued. */
  boolean markEnqueued(String id) {
    return updateProcessing(id, AssetCodec.enqueued(clock.instant()));
  }

  /** Records that transcode attempt {@code attempt} of a processing video started. */
  boolean markAttempt(String id, int attempt) {
    return updateProcessing(id, AssetCodec.attempt(attempt, clock.instant()));
  }

  /** Records the error of a failed attempt the queue retries. */
  boolean recordAttemptError(String id, String error) {
    return updateProcessing(id, AssetCodec.attemptError(error, clock.instant()));
  }

  /** Records the progress fraction of a processing video. */
  boolean recordProgress(String id, double fraction) {
    return updateProcessing(id, AssetCodec.progress(fraction, clock.instant()));
  }

  /**
   * Updates fields of an asset that is still {@code processing}; returns false and writes nothing
   * once it is anything else, so a late progress report never touches a finished, failed or
   * taken-down record.
   */
  private boolean updateProcessing(String id, Map<String, Object> update) {
    DocumentReference ref = ref(id);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              if (AssetCodec.status(tx.get(ref).get()) != AssetStatus.PROCESSING) {
                return false;
              }
              tx.update(ref, update);
              return true;
            }));
  }

  /**
   * Marks an asset taken down once its objects are gone: variants cleared (so statistics stop
   * counting them), who, why and when recorded. Returns false if it was already taken down.
   */
  boolean markTakenDown(String id, String reason, String by, int objectsDeleted) {
    DocumentReference ref = ref(id);
    return Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot current = tx.get(ref).get();
              AssetStatus status = AssetCodec.status(current);
              if (!current.exists() || status == AssetStatus.TAKEN_DOWN) {
                return false;
              }
              tx.update(
                  ref, AssetCodec.takenDown(status, reason, by, objectsDeleted, clock.instant()));
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
            .whereEqualTo(AssetCodec.OWNER, owner)
            .orderBy(FieldPath.documentId())
            .limit(limit);
    if (after != null) {
      query = query.startAfter(after);
    }
    return query(query);
  }

  Optional<Asset> find(String id) {
    DocumentSnapshot doc = Firestores.await(ref(id).get());
    return doc.exists() ? Optional.of(AssetCodec.fromDoc(doc)) : Optional.empty();
  }

  Totals totals(AssetType type, AssetStatus status) {
    AggregateField.SumAggregateField bytes = AggregateField.sum(AssetCodec.TOTAL_BYTES);
    AggregateField.SumAggregateField variants = AggregateField.sum(AssetCodec.VARIANT_COUNT);
    AggregateQuerySnapshot snapshot =
        Firestores.await(
            db.collection(CdnCollections.ASSETS)
                .whereEqualTo(AssetCodec.TYPE, type.wire())
                .whereEqualTo(AssetCodec.STATUS, status.wire())
                .aggregate(AggregateField.count(), bytes, variants)
                .get());
    return new Totals(
        snapshot.getCount(), longOf(snapshot.get(bytes)), longOf(snapshot.get(variants)));
  }

  /** The latest failures, newest first (composite index: status, updatedAt desc). */
  List<Asset> recentFailures(int limit) {
    return query(
        db.collection(CdnCollections.ASSETS)
            .whereEqualTo(AssetCodec.STATUS, AssetStatus.FAILED.wire())
            .orderBy(AssetCodec.UPDATED_AT, Query.Direction.DESCENDING)
            .limit(limit));
  }

  /**
   * Jobs still "processing" although last touched before {@code before} (composite index: status,
   * updatedAt).
   */
  List<Asset> staleProcessing(Instant before, int limit) {
    return query(
        db.collection(CdnCollections.ASSETS)
            .whereEqualTo(AssetCodec.STATUS, AssetStatus.PROCESSING.wire())
            .whereLessThan(AssetCodec.UPDATED_AT, Firestores.timestamp(before))
            .orderBy(AssetCodec.UPDATED_AT)
            .limit(limit));
  }

  private DocumentReference ref(String id) {
    return db.collection(CdnCollections.ASSETS).document(id);
  }

  private List<Asset> query(Query query) {
    List<Asset> out = new ArrayList<>();
    for (DocumentSnapshot doc : Firestores.await(query.get()).getDocuments()) {
      out.add(AssetCodec.fromDoc(doc));
    }
    return out;
  }

  private static long longOf(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }
}

package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.ShardedCounter;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Firestore access for metric data ({@link MetricCodec}):
 *
 * <ul>
 *   <li>{@code metricBuckets/{service~yyyyMMddHHmm}/shards/{0..n-1}} — live minute buckets, a
 *       {@link ShardedCounter} each, incremented by ingestion;
 *   <li>{@code metricMinutes/{service~yyyyMMddHHmm}} — a final minute, sealed from its shards once
 *       no more samples can arrive (only minutes that had samples);
 *   <li>{@code metricRollups/{service~yyyyMMddHH}} — an hour summed from its sealed minutes;
 *   <li>{@code monitoringState/pipeline} — how far sealing and rolling up have got.
 * </ul>
 *
 * Every document carries flat labels ({@code service}, {@code metric}, {@code minute} or {@code
 * hour}) and {@code expireAt} for a Firestore TTL policy.
 */
final class MetricStore {
  static final String BUCKETS = "metricBuckets";
  static final String MINUTES = "metricMinutes";
  static final String ROLLUPS = "metricRollups";
  static final String STATE = "monitoringState";
  static final String PIPELINE = "pipeline";
  private static final int GET_ALL_CHUNK = 300;

  private final Firestore db;
  private final ShardedCounter counter;
  private final MonitoringConfig config;

  MetricStore(Firestore db, MonitoringConfig config) {
    this.db = db;
    this.config = config;
    this.counter = new ShardedCounter(db, BUCKETS, config.bucketShards());
  }

  /**
   * How far the pipeline has got: minutes before {@code sealedThrough} are sealed, hours before
   * {@code rolledThrough} rolled up.
   */
  record Pipeline(Instant sealedThrough, Instant rolledThrough) {}

  // ---- live buckets ----

  /** Adds {@code delta} to the live bucket {@code key} inside {@code batch} (one random shard). */
  void addToBucket(WriteBatch batch, BucketKey key, BucketStats delta) {
    counter.incrementIn(
        batch,
        key.minuteId(),
        delta.fields(),
        MetricCodec.labels(key, MetricCodec.MINUTE, config.minuteRetention()));
  }

  /** Live totals of the given minute buckets, summed over their shards, in batched reads. */
  Map<BucketKey, BucketStats> readLive(Collection<BucketKey> keys) {
    return sumOf(keys, this::shardRefs);
  }

  /**
   * The shard documents of a minute bucket (known paths: shards cannot be listed on every
   * Firestore).
   */
  List<DocumentReference> shardRefs(BucketKey key) {
    List<DocumentReference> refs = new ArrayList<>(counter.shards());
    for (int i = 0; i < counter.shards(); i++) {
      refs.add(counter.shard(key.minuteId(), i));
    }
    return refs;
  }

  // ---- sealed minutes ----

  DocumentReference minuteRef(BucketKey key) {
    return db.collection(MINUTES).document(key.minuteId());
  }

  void writeMinute(WriteBatch batch, BucketKey key, BucketStats stats) {
    batch.set(
        minuteRef(key),
        MetricCodec.bucket(key, MetricCodec.MINUTE, config.minuteRetention(), stats));
  }

  Map<BucketKey, BucketStats> readMinutes(Collection<BucketKey> keys) {
    return sumOf(keys, key -> List.of(minuteRef(key)));
  }

  /** What one page of deletes removed. */
  record Deleted(int documents, int shards) {}

  /**
   * Deletes up to {@code limit} sealed minutes older than {@code cutoff} (oldest first) with their
   * live shard documents, in one atomic batch.
   */
  Deleted deleteMinutesBefore(Instant cutoff, int limit) {
    List<QueryDocumentSnapshot> page = oldest(MINUTES, MetricCodec.MINUTE, cutoff, limit);
    int shards = 0;
    if (!page.isEmpty()) {
      WriteBatch batch = db.batch();
      for (QueryDocumentSnapshot minute : page) {
        Optional<BucketKey> key = MetricCodec.minuteKey(minute);
        if (key.isPresent()) {
          for (DocumentReference shard : shardRefs(key.get())) {
            batch.delete(shard);
            shards++;
          }
        }
        batch.delete(minute.getReference());
      }
      commit(batch);
    }
    return new Deleted(page.size(), shards);
  }

  // ---- hourly rollups ----

  DocumentReference rollupRef(BucketKey hour) {
    return db.collection(ROLLUPS).document(hour.hourId());
  }

  void writeRollup(WriteBatch batch, BucketKey hour, BucketStats stats) {
    batch.set(
        rollupRef(hour),
        MetricCodec.bucket(hour, MetricCodec.HOUR, config.rollupRetention(), stats));
  }

  Map<BucketKey, BucketStats> readRollups(Collection<BucketKey> hours) {
    return sumOf(hours, hour -> List.of(rollupRef(hour)));
  }

  /** Deletes up to {@code limit} rollups older than {@code cutoff} in one atomic batch. */
  Deleted deleteRollupsBefore(Instant cutoff, int limit) {
    List<QueryDocumentSnapshot> page = oldest(ROLLUPS, MetricCodec.HOUR, cutoff, limit);
    if (!page.isEmpty()) {
      WriteBatch batch = db.batch();
      page.forEach(doc -> batch.delete(doc.getReference()));
      commit(batch);
    }
    return new Deleted(page.size(), 0);
  }

  /**
   * Up to {@code limit} documents whose {@code period} label is before {@code cutoff}, oldest
   * first.
   */
  private List<QueryDocumentSnapshot> oldest(
      String collection, String period, Instant cutoff, int limit) {
    return Firestores.await(
            db.collection(collection)
                .whereLessThan(period, Firestores.timestamp(cutoff))
                .orderBy(period)
                .limit(limit)
                .get())
        .getDocuments();
  }

  // ---- pipeline state ----

  Optional<Pipeline> pipeline() {
    DocumentSnapshot doc = Firestores.await(pipelineRef().get());
    if (!doc.exists()) {
      return Optional.empty();
    }
    return Optional.of(MetricCodec.fromPipeline(doc));
  }

  void writePipeline(WriteBatch batch, Pipeline pipeline) {
    batch.set(pipelineRef(), MetricCodec.toPipeline(pipeline));
  }

  private DocumentReference pipelineRef() {
    return db.collection(STATE).document(PIPELINE);
  }

  // ---- shared ----

  WriteBatch batch() {
    return db.batch();
  }

  void commit(WriteBatch batch) {
    Firestores.await(batch.commit());
  }

  /**
   * Reads every document of every key in batched {@code getAll}s and sums each key's documents;
   * keys with no existing document are absent.
   */
  private Map<BucketKey, BucketStats> sumOf(
      Collection<BucketKey> keys, Function<BucketKey, List<DocumentReference>> documents) {
    Map<String, BucketKey> byPath = new HashMap<>();
    List<DocumentReference> refs = new ArrayList<>();
    for (BucketKey key : keys) {
      for (DocumentReference ref : documents.apply(key)) {
        byPath.put(ref.getPath(), key);
        refs.add(ref);
      }
    }
    Map<BucketKey, BucketStats> totals = new HashMap<>();
    for (DocumentSnapshot doc : getAll(refs)) {
      if (doc.exists()) {
        totals.merge(
            byPath.get(doc.getReference().getPath()),
            BucketStats.fromFields(doc.getData()),
            BucketStats::plus);
      }
    }
    return totals;
  }

  private List<DocumentSnapshot> getAll(List<DocumentReference> refs) {
    List<DocumentSnapshot> snapshots = new ArrayList<>(refs.size());
    for (int from = 0; from < refs.size(); from += GET_ALL_CHUNK) {
      List<DocumentReference> chunk =
          refs.subList(from, Math.min(refs.size(), from + GET_ALL_CHUNK));
      snapshots.addAll(Firestores.await(db.getAll(chunk.toArray(DocumentReference[]::new))));
    }
    return snapshots;
  }
}

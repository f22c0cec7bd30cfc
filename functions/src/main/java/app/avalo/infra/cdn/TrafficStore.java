package app.avalo.infra.cdn;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.WriteBatch;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CDN's traffic records ({@link TrafficCodec}): metrics snapshots {@code
 * cdnMetrics/{yyyyMMddHHmm}} and {@code cdnMetrics/latest}, bandwidth hours {@code
 * cdnBandwidth/{yyyyMMddHH}}, egress buckets {@code cdnEgress/{yyyyMMddHHmm}~{region}~{type}} and
 * bandwidth cost inputs {@code cdnBandwidthCosts/{recordId}}.
 */
final class TrafficStore {
  static final String LATEST = "latest";
  private static final int COST_BATCH = 400;
  private static final DateTimeFormatter MINUTE_ID =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR_ID =
      DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

  private final Firestore db;

  TrafficStore(Firestore db) {
    this.db = db;
  }

  /** The id of the hour starting at {@code hourStart} ({@code yyyyMMddHH}, UTC). */
  static String hourId(Instant hourStart) {
    return HOUR_ID.format(hourStart);
  }

  /**
   * Stores the snapshot of the window ending at {@code windowEnd} (rewriting a rerun) and makes it
   * {@code latest} unless a newer window already is: a late retry of an older window must not
   * replace a newer one (the job lease rules out two runs at once, so read-then-write is enough).
   */
  void saveSnapshot(MetricsSnapshot snapshot, Instant expireAt) {
    Map<String, Object> doc = TrafficCodec.snapshot(snapshot, expireAt);
    WriteBatch batch = db.batch();
    batch.set(
        db.collection(CdnCollections.METRICS).document(MINUTE_ID.format(snapshot.windowEnd())),
        doc);
    DocumentSnapshot latest =
        Firestores.await(db.collection(CdnCollections.METRICS).document(LATEST).get());
    Optional<Instant> latestEnd = TrafficCodec.windowEnd(latest);
    if (latestEnd.isEmpty() || !latestEnd.get().isAfter(snapshot.windowEnd())) {
      batch.set(db.collection(CdnCollections.METRICS).document(LATEST), doc);
    }
    Firestores.await(batch.commit());
  }

  Optional<MetricsSnapshot> latestSnapshot() {
    DocumentSnapshot latest =
        Firestores.await(db.collection(CdnCollections.METRICS).document(LATEST).get());
    return latest.exists() ? Optional.of(TrafficCodec.snapshot(latest)) : Optional.empty();
  }

  void saveHour(BandwidthHour hour) {
    Firestores.await(
        db.collection(CdnCollections.BANDWIDTH)
            .document(hourId(hour.hourStart()))
            .set(TrafficCodec.hour(hour)));
  }

  /** The most recent bandwidth hour, if any. */
  Optional<BandwidthHour> latestHour() {
    return hours(
            db.collection(CdnCollections.BANDWIDTH)
                .orderBy(TrafficCodec.HOUR_START, Query.Direction.DESCENDING)
                .limit(1))
        .stream()
        .findFirst();
  }

  /** Up to {@code limit} hours before {@code hourStart}, newest first. */
  List<BandwidthHour> hoursBefore(Instant hourStart, int limit) {
    return hours(
        db.collection(CdnCollections.BANDWIDTH)
            .whereLessThan(TrafficCodec.HOUR_START, Firestores.timestamp(hourStart))
            .orderBy(TrafficCodec.HOUR_START, Query.Direction.DESCENDING)
            .limit(limit));
  }

  private static List<BandwidthHour> hours(Query query) {
    return Firestores.await(query.get()).getDocuments().stream().map(TrafficCodec::hour).toList();
  }

  /** Adds egress to the bucket starting at {@code bucket} for one region and asset type. */
  void addEgress(
      Instant bucket, String assetType, String region, long bytes, long requests, long hits) {
    Firestores.await(
        db.collection(CdnCollections.EGRESS)
            .document(MINUTE_ID.format(bucket) + "~" + region + "~" + assetType)
            .set(
                TrafficCodec.egress(bucket, assetType, region, bytes, requests, hits),
                SetOptions.merge()));
  }

  /** Every egress bucket starting in {@code [from, to)}, one sample each. */
  List<EgressSource.Sample> egressBuckets(Instant from, Instant to) {
    return Firestores.await(
            db.collection(CdnCollections.EGRESS)
                .whereGreaterThanOrEqualTo(TrafficCodec.BUCKET_START, Firestores.timestamp(from))
                .whereLessThan(TrafficCodec.BUCKET_START, Firestores.timestamp(to))
                .get())
        .getDocuments()
        .stream()
        .map(TrafficCodec::egressSample)
        .toList();
  }

  /** Stores bandwidth cost inputs by record id (an idempotent overwrite), in batches. */
  void saveCostInputs(List<BandwidthCostSink.Usage> usages, Instant recordedAt) {
    for (int i = 0; i < usages.size(); i += COST_BATCH) {
      WriteBatch batch = db.batch();
      for (BandwidthCostSink.Usage u : usages.subList(i, Math.min(usages.size(), i + COST_BATCH))) {
        batch.set(
            db.collection(CdnCollections.BANDWIDTH_COSTS).document(u.recordId()),
            TrafficCodec.costInput(u, recordedAt));
      }
      Firestores.await(batch.commit());
    }
  }
}

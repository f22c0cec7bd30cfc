package app.avalo.infra.cdn;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 5-minute CDN snapshot (updateCdnMetrics) and the admin view of it (getCdnStats). A snapshot
 * counts assets, bytes and variants per type and status with aggregation queries over {@code
 * cdnAssets} (no document reads), marks jobs stuck in {@code processing} past {@code
 * CDN_PROCESSING_TIMEOUT_MINUTES} as failed (their instance died), and takes the window's egress
 * and cache hits from the egress source. Stored as {@code cdnMetrics/{yyyyMMddHHmm}} and {@code
 * cdnMetrics/latest}; rerunning a window rewrites the same document.
 */
final class CdnMetrics {
  static final Duration WINDOW = Duration.ofMinutes(5);
  static final String LATEST = "latest";
  private static final int STALE_BATCH = 100;
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

  private final Firestore db;
  private final Clock clock;
  private final AssetStore assets;
  private final EgressSource egress;
  private final Duration processingTimeout;

  CdnMetrics(
      Firestore db,
      Clock clock,
      AssetStore assets,
      EgressSource egress,
      Duration processingTimeout) {
    this.db = db;
    this.clock = clock;
    this.assets = assets;
    this.egress = egress;
    this.processingTimeout = processingTimeout;
  }

  Map<String, Object> update(Instant scheduledFor) throws Exception {
    Instant windowEnd =
        scheduledFor.minusSeconds(Math.floorMod(scheduledFor.getEpochSecond(), WINDOW.toSeconds()));
    Instant windowStart = windowEnd.minus(WINDOW);

    int staleFailed = 0;
    for (AssetStore.Asset stuck :
        assets.staleProcessing(clock.instant().minus(processingTimeout), STALE_BATCH)) {
      assets.markFailed(
          stuck.id(),
          "processing did not finish within "
              + processingTimeout.toMinutes()
              + " minutes (the instance probably stopped)");
      staleFailed++;
    }

    Map<String, Object> byType = new LinkedHashMap<>();
    long assetsReady = 0;
    long bytes = 0;
    long variants = 0;
    long failed = 0;
    long processing = 0;
    for (AssetType type : AssetType.values()) {
      AssetStore.Totals ready = assets.totals(type, AssetStore.READY);
      long typeFailed = assets.totals(type, AssetStore.FAILED).assets();
      long typeProcessing = assets.totals(type, AssetStore.PROCESSING).assets();
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("assets", ready.assets());
      t.put("bytes", ready.bytes());
      t.put("variants", ready.variants());
      t.put("failed", typeFailed);
      t.put("processing", typeProcessing);
      byType.put(type.wire(), t);
      assetsReady += ready.assets();
      bytes += ready.bytes();
      variants += ready.variants();
      failed += typeFailed;
      processing += typeProcessing;
    }

    long egressBytes = 0;
    long requests = 0;
    long hits = 0;
    for (EgressSource.Sample s : egress.read(windowStart, windowEnd)) {
      egressBytes += s.bytes();
      requests += s.requests();
      hits += s.cacheHits();
    }
    Map<String, Object> traffic = new LinkedHashMap<>();
    traffic.put("source", egress.name());
    traffic.put("bytes", egressBytes);
    traffic.put("requests", requests);
    traffic.put("cacheHits", hits);
    traffic.put("hitRatio", requests == 0 ? null : hits / (double) requests);

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("windowStart", Firestores.timestamp(windowStart));
    doc.put("windowEnd", Firestores.timestamp(windowEnd));
    doc.put("computedAt", Firestores.timestamp(clock.instant()));
    doc.put("assets", assetsReady);
    doc.put("bytes", bytes);
    doc.put("variants", variants);
    doc.put("failed", failed);
    doc.put("processing", processing);
    doc.put("byType", byType);
    doc.put("egress", traffic);
    doc.put("staleMarkedFailed", (long) staleFailed);
    doc.put("expireAt", Firestores.timestamp(windowEnd.plus(RETENTION)));
    WriteBatch batch = db.batch();
    batch.set(db.collection(CdnCollections.METRICS).document(ID.format(windowEnd)), doc);
    // A late retry of an older window must not replace a newer "latest" (the job lease rules out
    // two runs at once, so read-then-write is enough here).
    DocumentSnapshot latest =
        Firestores.await(db.collection(CdnCollections.METRICS).document(LATEST).get());
    Timestamp latestEnd = latest.exists() ? latest.getTimestamp("windowEnd") : null;
    if (latestEnd == null || !Firestores.instant(latestEnd).isAfter(windowEnd)) {
      batch.set(db.collection(CdnCollections.METRICS).document(LATEST), doc);
    }
    Firestores.await(batch.commit());
    Log.info(
        "cdn metrics updated",
        Map.of("assets", assetsReady, "failed", failed, "egressBytes", egressBytes));

    Map<String, Object> summary = plain(doc);
    summary.remove("expireAt");
    return summary;
  }

  /** The admin view: the latest snapshot, the latest bandwidth hour and the last failures. */
  Map<String, Object> stats(int failures) {
    DocumentSnapshot latest =
        Firestores.await(db.collection(CdnCollections.METRICS).document(LATEST).get());
    Map<String, Object> out = new LinkedHashMap<>();
    if (latest.exists()) {
      out.put("status", "ok");
      out.putAll(plain(latest.getData()));
      out.remove("expireAt");
    } else {
      // A fresh deployment before the first 5-minute run: an answer the dashboard can show.
      out.put("status", "no metrics yet: updateCdnMetrics has not run");
    }
    List<DocumentSnapshot> hours =
        new ArrayList<>(
            Firestores.await(
                    db.collection(CdnCollections.BANDWIDTH)
                        .orderBy("hourStart", Query.Direction.DESCENDING)
                        .limit(1)
                        .get())
                .getDocuments());
    out.put("lastHourBandwidth", hours.isEmpty() ? null : plain(hours.get(0).getData()));
    List<Map<String, Object>> recent = new ArrayList<>();
    for (AssetStore.Asset a : assets.recentFailures(failures)) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("assetId", a.id());
      f.put("type", a.type().wire());
      f.put("owner", a.owner());
      f.put("reason", a.failureReason());
      f.put("at", a.updatedAt());
      recent.add(f);
    }
    out.put("recentFailures", recent);
    return out;
  }

  /** Firestore values as JSON-friendly ones (timestamps as instants). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> plain(Map<String, Object> data) {
    Map<String, Object> out = new LinkedHashMap<>();
    data.forEach((k, v) -> out.put(k, plainValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object plainValue(Object v) {
    if (v instanceof Timestamp ts) {
      return Firestores.instant(ts);
    }
    if (v instanceof Map<?, ?> m) {
      return plain((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      return l.stream().map(CdnMetrics::plainValue).toList();
    }
    return v;
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
  private static final int STALE_BATCH = 100;
  private static final Duration RETENTION = Duration.ofDays(30);

  private final TrafficStore traffic;
  private final Clock clock;
  private final AssetStore assets;
  private final EgressSource egress;
  private final Duration processingTimeout;

  CdnMetrics(
      TrafficStore traffic,
      Clock clock,
      AssetStore assets,
      EgressSource egress,
      Duration processingTimeout) {
    this.traffic = traffic;
    this.clock = clock;
    this.assets = assets;
    this.egress = egress;
    this.processingTimeout = processingTimeout;
  }

  MetricsSnapshot update(Instant scheduledFor) throws Exception {
    Instant windowEnd =
        scheduledFor.minusSeconds(Math.floorMod(scheduledFor.getEpochSecond(), WINDOW.toSeconds()));
    Instant windowStart = windowEnd.minus(WINDOW);

    int staleFailed = 0;
    for (Asset stuck :
        assets.staleProcessing(clock.instant().minus(processingTimeout), STALE_BATCH)) {
      assets.markFailed(
          stuck.id(),
          "processing did not finish within "
              + processingTimeout.toMinutes()
              + " minutes (the instance probably stopped)");
      staleFailed++;
    }

    Map<String, MetricsSnapshot.TypeTotals> byType = new LinkedHashMap<>();
    long assetsReady = 0;
    long bytes = 0;
    long variants = 0;
    long failed = 0;
    long processing = 0;
    for (AssetType type : AssetType.values()) {
      AssetStore.Totals ready = assets.totals(type, AssetStatus.READY);
      long typeFailed = assets.totals(type, AssetStatus.FAILED).assets();
      long typeProcessing = assets.totals(type, AssetStatus.PROCESSING).assets();
      byType.put(
          type.wire(),
          new MetricsSnapshot.TypeTotals(
              ready.assets(), ready.bytes(), ready.variants(), typeFailed, typeProcessing));
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
    MetricsSnapshot snapshot =
        new MetricsSnapshot(
            windowStart,
            windowEnd,
            clock.instant(),
            assetsReady,
            bytes,
            variants,
            failed,
            processing,
            byType,
            new MetricsSnapshot.Traffic(
                egress.name(),
                egressBytes,
                requests,
                hits,
                requests == 0 ? null : hits / (double) requests),
            staleFailed);
    traffic.saveSnapshot(snapshot, windowEnd.plus(RETENTION));
    Log.info(
        "cdn metrics updated",
        Map.of("assets", assetsReady, "failed", failed, "egressBytes", egressBytes));
    return snapshot;
  }

  /** The admin view: the latest snapshot, the latest bandwidth hour and the last failures. */
  CdnStats stats(int failures) {
    BandwidthHour lastHour = traffic.latestHour().orElse(null);
    List<CdnStats.Failure> recent = new ArrayList<>();
    for (Asset a : assets.recentFailures(failures)) {
      recent.add(
          new CdnStats.Failure(
              a.id(), a.type().wire(), a.owner(), a.failureReason(), a.updatedAt()));
    }
    return traffic
        .latestSnapshot()
        .map(s -> CdnStats.of(s, lastHour, recent))
        // A fresh deployment before the first 5-minute run: an answer the dashboard can show.
        .orElseGet(
            () -> CdnStats.empty("no metrics yet: updateCdnMetrics has not run", lastHour, recent));
  }

  /** The admin overview's part: the latest snapshot only (one document read). */
  CdnOverview overview() {
    return traffic.latestSnapshot().map(CdnOverview::of).orElseGet(CdnOverview::none);
  }
}

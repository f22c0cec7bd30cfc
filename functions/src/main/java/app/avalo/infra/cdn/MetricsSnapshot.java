package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.Map;

/**
 * One 5-minute CDN snapshot ({@code cdnMetrics/{yyyyMMddHHmm}} and {@code cdnMetrics/latest}):
 * ready assets, bytes and variants, failed and processing jobs, per asset type, and the window's
 * egress. It is also updateCdnMetrics' job summary.
 */
record MetricsSnapshot(
    Instant windowStart,
    Instant windowEnd,
    Instant computedAt,
    long assets,
    long bytes,
    long variants,
    long failed,
    long processing,
    Map<String, TypeTotals> byType,
    Traffic egress,
    long staleMarkedFailed) {

  /** The registry's numbers for one asset type. */
  record TypeTotals(long assets, long bytes, long variants, long failed, long processing) {}

  /** The window's egress and cache hits ({@code hitRatio} null without requests). */
  record Traffic(String source, long bytes, long requests, long cacheHits, Double hitRatio) {}
}

package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One hour's egress as monitorBandwidth stores it in {@code cdnBandwidth/{yyyyMMddHH}}: totals, by
 * asset type and by region, every sample, the spikes it found and how many earlier hours it judged
 * them against.
 */
record BandwidthHour(
    Instant hourStart,
    Instant hourEnd,
    String source,
    long totalBytes,
    long requests,
    long cacheHits,
    Map<String, Long> byType,
    Map<String, Long> byRegion,
    List<EgressSource.Sample> entries,
    List<Spike> spikes,
    long baselineHours) {

  /** An hour at or above the spike threshold, in total or for one asset type. */
  record Spike(
      String scope, String hourStart, long bytes, long baselineMedianBytes, long thresholdBytes) {}

  /** What monitorBandwidth reports as its job summary. */
  record Summary(
      String hourStart,
      long totalBytes,
      Map<String, Long> byType,
      Map<String, Long> byRegion,
      int costRecords,
      String costSink,
      List<Spike> spikes) {}
}

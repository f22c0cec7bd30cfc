package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What getCdnStats answers: {@code status} ({@code ok}, or why there is no snapshot yet), the
 * latest snapshot's numbers (absent before the first), the last hour's bandwidth and the most
 * recent failures.
 */
record CdnStats(
    String status,
    Instant windowStart,
    Instant windowEnd,
    Instant computedAt,
    Long assets,
    Long bytes,
    Long variants,
    Long failed,
    Long processing,
    Map<String, MetricsSnapshot.TypeTotals> byType,
    MetricsSnapshot.Traffic egress,
    Long staleMarkedFailed,
    BandwidthHour lastHourBandwidth,
    List<Failure> recentFailures) {

  static CdnStats of(MetricsSnapshot s, BandwidthHour lastHour, List<Failure> failures) {
    return new CdnStats(
        "ok",
        s.windowStart(),
        s.windowEnd(),
        s.computedAt(),
        s.assets(),
        s.bytes(),
        s.variants(),
        s.failed(),
        s.processing(),
        s.byType(),
        s.egress(),
        s.staleMarkedFailed(),
        lastHour,
        failures);
  }

  static CdnStats empty(String status, BandwidthHour lastHour, List<Failure> failures) {
    return new CdnStats(
        status, null, null, null, null, null, null, null, null, null, null, null, lastHour,
        failures);
  }

  /** One failed asset. */
  record Failure(String assetId, String type, String owner, String reason, Instant at) {}
}

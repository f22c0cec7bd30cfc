package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.Map;

/** The CDN's part of the admin overview: the latest snapshot, or a status saying there is none. */
record CdnOverview(
    String status,
    Instant at,
    Long assets,
    Long bytes,
    Long variants,
    Long failed,
    Long processing,
    Map<String, MetricsSnapshot.TypeTotals> byType,
    MetricsSnapshot.Traffic egress) {

  static CdnOverview of(MetricsSnapshot s) {
    return new CdnOverview(
        null,
        s.windowEnd(),
        s.assets(),
        s.bytes(),
        s.variants(),
        s.failed(),
        s.processing(),
        s.byType(),
        s.egress());
  }

  static CdnOverview none() {
    return new CdnOverview("no metrics yet", null, null, null, null, null, null, null, null);
  }
}

package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.List;

/**
 * Receives the CDN's hourly egress as cost inputs (the {@code trackBandwidthCost} equivalent):
 * pricing and budgets belong to the cost domain. {@code recordId} is stable per (hour, region,
 * asset type), so a re-run of the same hour must overwrite, never add.
 */
public interface BandwidthCostSink {
  record Usage(
      String recordId,
      String service,
      String region,
      String assetType,
      long bytes,
      Instant periodStart,
      Instant periodEnd) {}

  String name();

  void record(List<Usage> usages) throws Exception;
}

package app.avalo.infra.cdn;

import java.util.List;

/**
 * Books the CDN's hourly egress through the {@link EgressLedger} (in production the cost domain's
 * ledger, the same path {@code trackBandwidthCost} uses), after keeping the CDN's own per-hour
 * record. The usage's stable record id is the ledger event id, so a re-run of the same hour is
 * booked once.
 */
final class LedgerBandwidthCostSink implements BandwidthCostSink {
  private final BandwidthCostSink local;
  private final EgressLedger ledger;

  LedgerBandwidthCostSink(BandwidthCostSink local, EgressLedger ledger) {
    this.local = local;
    this.ledger = ledger;
  }

  @Override
  public String name() {
    return "cost-ledger";
  }

  @Override
  public void record(List<Usage> usages) throws Exception {
    local.record(usages);
    for (Usage usage : usages) {
      ledger.book(
          usage.assetType(), usage.bytes(), usage.region(), usage.periodStart(), usage.recordId());
    }
  }
}

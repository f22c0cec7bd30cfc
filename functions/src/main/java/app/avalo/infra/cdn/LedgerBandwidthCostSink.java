package app.avalo.infra.cdn;

import app.avalo.infra.cost.CostLedger;
import app.avalo.infra.cost.CostService;
import java.util.List;
import java.util.function.Supplier;

/**
 * Books the CDN's hourly egress in the cost domain's ledger (the same path {@code
 * trackBandwidthCost} uses: priced per GiB and region, counted against budgets), after keeping the
 * CDN's own per-hour record. The usage's stable record id is the ledger event id, so a re-run of
 * the same hour is booked once.
 */
final class LedgerBandwidthCostSink implements BandwidthCostSink {
  private final BandwidthCostSink local;
  private final Supplier<CostLedger> ledger;

  LedgerBandwidthCostSink(BandwidthCostSink local, Supplier<CostLedger> ledger) {
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
      ledger
          .get()
          .recordBandwidth(CostService.CDN, usage.bytes(), usage.region(), null, usage.recordId());
    }
  }
}

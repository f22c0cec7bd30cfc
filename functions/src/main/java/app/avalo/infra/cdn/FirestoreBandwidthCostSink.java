package app.avalo.infra.cdn;

import java.time.Clock;
import java.util.List;

/**
 * Keeps bandwidth cost inputs in {@code cdnBandwidthCosts/{recordId}} (idempotent overwrite) until
 * the cost domain's ledger is wired in as the sink.
 */
final class FirestoreBandwidthCostSink implements BandwidthCostSink {
  private final TrafficStore traffic;
  private final Clock clock;

  FirestoreBandwidthCostSink(TrafficStore traffic, Clock clock) {
    this.traffic = traffic;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "firestore";
  }

  @Override
  public void record(List<Usage> usages) {
    traffic.saveCostInputs(usages, clock.instant());
  }
}

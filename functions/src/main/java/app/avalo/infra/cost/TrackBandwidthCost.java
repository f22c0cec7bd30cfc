package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code trackBandwidthCost} (media backends, per transfer report): books egress {@code {service:
 * video|webrtc|cdn, bytes, region, userId?, eventId?}}, priced per GiB for the region (or the
 * service's default price). Same ledger path as the CDN domain's Java call {@code
 * root.cost().ledger().recordBandwidth(...)}.
 */
public final class TrackBandwidthCost extends ApiFunction {
  private final Supplier<CostModule> cost;

  public TrackBandwidthCost() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  TrackBandwidthCost(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected Object handle(Request request) {
    BandwidthCostRequest bandwidth = BandwidthCostRequest.read(request.data());
    request.data().done();
    return cost.get().ledger().recordBandwidth(bandwidth);
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code trackBandwidthCost} (private): media backends report egress {@code {service:
 * video|webrtc|cdn, bytes, region, userId?, eventId?}}, priced per GiB for the region (or the
 * service's default price). Same ledger path as the CDN domain's Java call {@code
 * CostModule.of(app).ledger().recordBandwidth(...)}.
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
    Fields data = request.data();
    String service = data.oneOf("service", List.of("video", "webrtc", "cdn"));
    long bytes = data.longValue("bytes", 0, CostLedger.MAX_BYTES);
    String region = data.id("region");
    String userId = data.optionalId("userId").orElse(null);
    String eventId = data.optionalId("eventId").orElse(null);
    data.done();
    return cost.get()
        .ledger()
        .recordBandwidth(
            CostService.fromWire(service).orElseThrow(), bytes, region, userId, eventId);
  }
}

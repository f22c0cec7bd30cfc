package app.avalo.infra.cost;

import app.avalo.infra.platform.Fields;
import java.time.Instant;
import java.util.List;

/**
 * {@code trackBandwidthCost}'s input: {@code {service: video|webrtc|cdn, bytes, region, userId?,
 * eventId?, at?}}; {@code at} is when the transfer happened (default: arrival).
 */
record BandwidthCostRequest(
    CostService service, long bytes, String region, String userId, String eventId, Instant at) {

  /** Reads and validates the request ({@code done()} is the caller's). */
  static BandwidthCostRequest read(Fields data) {
    String service = data.oneOf("service", List.of("video", "webrtc", "cdn"));
    long bytes = data.longValue("bytes", 0, CostLedger.MAX_BYTES);
    String region = data.id("region");
    String userId = data.optionalId("userId").orElse(null);
    String eventId = data.optionalId("eventId").orElse(null);
    Instant at = data.optionalInstant("at").orElse(null);
    return new BandwidthCostRequest(
        CostService.fromWire(service).orElseThrow(), bytes, region, userId, eventId, at);
  }
}

package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code trackChatDelivery} (private): records chat message delivery latency ({@code latencyMs})
 * and failed deliveries ({@code success: false}). Called by the chat backend after each operation
 * or in batches ({@code {"samples": [...]}}, at most {@value SampleReader#MAX_BATCH}); see {@link
 * SampleReader} for the sample fields. Samples are folded into per-minute sharded buckets, never
 * one document per sample; a bad sample refuses the whole call and writes nothing.
 */
public final class TrackChatDelivery extends ApiFunction {
  public TrackChatDelivery() {
    super();
  }

  TrackChatDelivery(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    return MonitoringModule.of(app())
        .track(MonitoredService.CHAT, request.data(), app().clock().instant());
  }
}

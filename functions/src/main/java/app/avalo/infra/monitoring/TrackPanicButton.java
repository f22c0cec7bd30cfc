package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code trackPanicButton} (the safety backend, after each operation or in batches): records panic
 * button processing time ({@code latencyMs}) and failures. Batches: ({@code {"samples": [...]}}, at
 * most {@value SampleReader#MAX_BATCH}); see {@link SampleReader} for the sample fields. Samples
 * are folded into per-minute sharded buckets, never one document per sample; a bad sample refuses
 * the whole call and writes nothing.
 */
public final class TrackPanicButton extends ApiFunction {
  private final Supplier<MonitoringModule> monitoring;

  public TrackPanicButton() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  TrackPanicButton(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected Object handle(Request request) {
    return monitoring
        .get()
        .track(MonitoredService.PANIC_BUTTON, request.data(), platform().clock().instant());
  }
}

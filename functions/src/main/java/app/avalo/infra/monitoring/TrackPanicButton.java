package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code trackPanicButton} (private): records panic button processing time ({@code latencyMs}) and
 * failures. Called by the safety backend after each operation or in batches ({@code {"samples":
 * [...]}}, at most {@value SampleReader#MAX_BATCH}); see {@link SampleReader} for the sample
 * fields. Samples are folded into per-minute sharded buckets, never one document per sample; a bad
 * sample refuses the whole call and writes nothing.
 */
public final class TrackPanicButton extends ApiFunction {
  public TrackPanicButton() {
    super();
  }

  TrackPanicButton(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    return MonitoringModule.of(app())
        .track(MonitoredService.PANIC_BUTTON, request.data(), app().clock().instant());
  }
}

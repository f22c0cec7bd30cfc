package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code trackWalletTransaction} (the wallet backend, after each operation or in batches): records
 * wallet transaction latency ({@code latencyMs}) and outcome ({@code success}, required: the
 * failure rate is alerted on). Batches: ({@code {"samples": [...]}}, at most {@value
 * SampleReader#MAX_BATCH}); see {@link SampleReader} for the sample fields. Samples are folded into
 * per-minute sharded buckets, never one document per sample; a bad sample refuses the whole call
 * and writes nothing.
 */
public final class TrackWalletTransaction extends ApiFunction {
  private final Supplier<MonitoringModule> monitoring;

  public TrackWalletTransaction() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  TrackWalletTransaction(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected Object handle(Request request) {
    return monitoring
        .get()
        .track(MonitoredService.WALLET, request.data(), platform().clock().instant());
  }
}

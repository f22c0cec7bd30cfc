package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code trackWalletTransaction} (private): records wallet transaction latency ({@code latencyMs})
 * and outcome ({@code success}, required: the failure rate is alerted on). Called by the wallet
 * backend after each operation or in batches ({@code {"samples": [...]}}, at most {@value
 * SampleReader#MAX_BATCH}); see {@link SampleReader} for the sample fields. Samples are folded into
 * per-minute sharded buckets, never one document per sample; a bad sample refuses the whole call
 * and writes nothing.
 */
public final class TrackWalletTransaction extends ApiFunction {
  public TrackWalletTransaction() {
    super();
  }

  TrackWalletTransaction(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    return MonitoringModule.of(app())
        .track(MonitoredService.WALLET, request.data(), app().clock().instant());
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getCdnStats} (admin): assets, bytes and variants by type, processing failures, hit ratio
 * and egress from the latest {@code updateCdnMetrics} snapshot, the last hour's bandwidth and the
 * most recent failures. A few document reads.
 */
public final class GetCdnStats extends ApiFunction {
  public GetCdnStats() {
    super();
  }

  GetCdnStats(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    int failures = (int) request.data().optionalLong("failures", 0, 50).orElse(10);
    request.data().done();
    return CdnModule.of(app()).metrics().stats(failures);
  }
}

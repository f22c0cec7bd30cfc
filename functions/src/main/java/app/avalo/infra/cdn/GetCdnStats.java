package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getCdnStats} (admins, from the dashboard on demand): assets, bytes and variants by type,
 * processing failures, hit ratio and egress from the latest {@code updateCdnMetrics} snapshot, the
 * last hour's bandwidth and the most recent failures. A few document reads.
 */
public final class GetCdnStats extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public GetCdnStats() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  GetCdnStats(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected Object handle(Request request) {
    int failures = (int) request.data().optionalLong("failures", 0, 50).orElse(10);
    request.data().done();
    return cdn.get().metrics().stats(failures);
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code purgeAllCache} (admins, rarely; audited): invalidates everything at the CDN. Needs {@code
 * confirm: "purge-all-cache"} and a {@code reason}; allowed once per {@code
 * CDN_PURGE_ALL_MIN_INTERVAL_SECONDS} (RESOURCE_EXHAUSTED with {@code retryAfterSeconds}).
 */
public final class PurgeAllCache extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public PurgeAllCache() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  PurgeAllCache(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected Object handle(Request request) {
    PurgeAllRequest input = PurgeAllRequest.read(request.data());
    request.data().done();
    return cdn.get().purges().purgeAll(input, request.caller().label());
  }
}

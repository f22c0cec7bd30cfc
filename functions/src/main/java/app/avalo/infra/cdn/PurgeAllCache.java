package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code purgeAllCache} (admin, audited): invalidates everything at the CDN. Needs {@code confirm:
 * "purge-all-cache"} and a {@code reason}; allowed once per {@code
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

  static final String CONFIRMATION = "purge-all-cache";

  @Override
  protected Object handle(Request request) {
    String confirm = request.data().string("confirm", 50);
    String reason = request.data().string("reason", 500);
    request.data().done();
    if (!confirm.equals(CONFIRMATION)) {
      throw ApiException.invalidArgument(
          "confirm", "must be exactly \"" + CONFIRMATION + "\" to purge everything");
    }
    return cdn.get().purges().purgeAll(reason, request.caller().label());
  }
}

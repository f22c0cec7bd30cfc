package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code purgeAllCache} (admin, audited): invalidates everything at the CDN. Needs {@code confirm:
 * "purge-all-cache"} and a {@code reason}; allowed once per {@code
 * CDN_PURGE_ALL_MIN_INTERVAL_SECONDS} (RESOURCE_EXHAUSTED with {@code retryAfterSeconds}).
 */
public final class PurgeAllCache extends ApiFunction {
  public PurgeAllCache() {
    super();
  }

  PurgeAllCache(Supplier<App> app) {
    super(app);
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
    return CdnModule.of(app()).purges().purgeAll(reason, request.caller().label());
  }
}

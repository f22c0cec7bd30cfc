package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code purgeCache} (admin, audited): invalidates every URL of one asset at the CDN (its folder as
 * a prefix where the CDN supports it) and records the purge in {@code cdnPurges}.
 */
public final class PurgeCache extends ApiFunction {
  public PurgeCache() {
    super();
  }

  PurgeCache(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    String assetId = request.data().id("assetId");
    request.data().done();
    return CdnModule.of(app()).purges().purgeAsset(assetId, request.caller().label());
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code purgeCache} (admins, after an asset changed; audited): invalidates every URL of one asset
 * at the CDN (its folder as a prefix where the CDN supports it) and records the purge in {@code
 * cdnPurges}.
 */
public final class PurgeCache extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public PurgeCache() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  PurgeCache(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected Object handle(Request request) {
    String assetId = request.data().id("assetId");
    request.data().done();
    return cdn.get().purges().purgeAsset(assetId, request.caller().label());
  }
}

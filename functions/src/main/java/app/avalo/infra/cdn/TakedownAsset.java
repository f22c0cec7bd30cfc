package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code takedownAsset} (admins, on a takedown request; audited): {@code {assetId, reason}} deletes
 * every object of the asset (variants, its folder, a remaining original), purges its URLs at the
 * CDN and marks the record {@code taken_down} with who and why; getProgressiveImage then answers
 * NOT_FOUND. Idempotent: a repeat answers {@code alreadyTakenDown: true}.
 */
public final class TakedownAsset extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public TakedownAsset() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  TakedownAsset(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected Object handle(Request request) {
    String assetId = request.data().id("assetId");
    String reason = request.data().string("reason", 500);
    request.data().done();
    return cdn.get().takedowns().takedown(assetId, reason, request.caller().label());
  }
}

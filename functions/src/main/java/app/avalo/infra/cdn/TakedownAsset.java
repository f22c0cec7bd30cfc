package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code takedownAsset} (admin, audited): {@code {assetId, reason}} deletes every object of the
 * asset (variants, its folder, a remaining original), purges its URLs at the CDN and marks the
 * record {@code taken_down} with who and why; getProgressiveImage then answers NOT_FOUND.
 * Idempotent: a repeat answers {@code alreadyTakenDown: true}.
 */
public final class TakedownAsset extends ApiFunction {
  public TakedownAsset() {
    super();
  }

  TakedownAsset(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    String assetId = request.data().id("assetId");
    String reason = request.data().string("reason", 500);
    request.data().done();
    return CdnModule.of(app()).takedowns().takedown(assetId, reason, request.caller().label());
  }
}

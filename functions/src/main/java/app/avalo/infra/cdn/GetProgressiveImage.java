package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getProgressiveImage} (apps, each time they show an image or voice message): {@code
 * {assetId, width?, formats?}} → the placeholder, the best variant URL for {@code width} in the
 * best accepted format, and srcsets per format (for a voice message: its URL). Private media is
 * answered to its owner or an admin only, with signed URLs and their {@code expiresAt}; taken-down
 * assets are NOT_FOUND. Reads one document.
 */
public final class GetProgressiveImage extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public GetProgressiveImage() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  GetProgressiveImage(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected Object handle(Request request) {
    ProgressiveImageRequest input = ProgressiveImageRequest.read(request.data());
    request.data().done();
    return cdn.get().progressive().get(input, request.caller());
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code cacheAiAvatar} (private; the AI companion backend, whenever a companion gets an avatar):
 * stores an avatar image for {@code avatarId} (base64 {@code data} or a {@code path} under {@code
 * ai-avatars/}) with its variants and the 30-day avatar cache lifetime. Idempotent: the same image
 * again changes nothing; a new image gets new, versioned URLs.
 */
public final class CacheAiAvatar extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public CacheAiAvatar() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  CacheAiAvatar(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  static final String SOURCE_ROOT = "ai-avatars";

  @Override
  protected int maxBodyBytes() {
    return MediaSource.MAX_REQUEST_BYTES;
  }

  @Override
  protected Object handle(Request request) {
    String avatarId = request.data().id("avatarId");
    ImageAssets images = cdn.get().images();
    MediaSource source =
        MediaSource.read(
            request.data(), images.maxBytes(), path -> UploadPath.under("path", path, SOURCE_ROOT));
    request.data().done();
    return images.cacheAvatar(avatarId, source);
  }
}

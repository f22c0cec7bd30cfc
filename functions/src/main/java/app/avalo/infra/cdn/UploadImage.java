package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code uploadImage} (apps, once per photo): a photo as base64 {@code data} or the {@code path} of
 * the caller's own upload under {@code uploads/{uid}/}. Verifies the real format, refuses
 * decompression bombs, orients, strips all metadata, and stores thumbnails 150/300/600 and the full
 * size (≤ 3840 px) as WebP, JPEG and (when an encoder exists) AVIF, plus an LQIP placeholder. Bad
 * input writes nothing. {@code visibility: "private"} keeps the photo out of the public CDN: it is
 * stored with the private media and its URLs are short-lived signed URLs (see getProgressiveImage).
 */
public final class UploadImage extends ApiFunction {
  private static final List<String> VISIBILITIES = List.of("public", "private");

  private final Supplier<CdnModule> cdn;

  public UploadImage() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  UploadImage(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected int maxBodyBytes() {
    return MediaSource.MAX_REQUEST_BYTES;
  }

  @Override
  protected Object handle(Request request) {
    String uid = request.caller().requireUid();
    ImageAssets images = cdn.get().images();
    MediaSource source =
        MediaSource.read(
            request.data(), images.maxBytes(), path -> UploadPath.ofUser("path", path, uid));
    boolean privateMedia =
        request.data().optionalOneOf("visibility", VISIBILITIES).orElse("public").equals("private");
    request.data().done();
    return images.uploadImage(uid, source, privateMedia);
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code optimizeVoice} (apps, once per recorded voice message): a voice message (base64 {@code
 * data} or the caller's upload at {@code path}) becomes loudness-normalised mono Opus (~32 kb/s) in
 * Ogg; longer than {@code VOICE_MAX_SECONDS} is refused before anything is written.
 */
public final class OptimizeVoice extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public OptimizeVoice() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  OptimizeVoice(Platform platform, CdnModule cdn) {
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
    CdnModule cdn = this.cdn.get();
    MediaSource source =
        MediaSource.read(
            request.data(),
            cdn.config().voiceMaxBytes(),
            path -> UploadPath.ofUser("path", path, uid));
    request.data().done();
    return cdn.voice().optimize(uid, source);
  }
}

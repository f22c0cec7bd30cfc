package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code optimizeVoice} (user): a voice message (base64 {@code data} or the caller's upload at
 * {@code path}) becomes loudness-normalised mono Opus (~32 kb/s) in Ogg; longer than {@code
 * VOICE_MAX_SECONDS} is refused before anything is written.
 */
public final class OptimizeVoice extends ApiFunction {
  public OptimizeVoice() {
    super();
  }

  OptimizeVoice(Supplier<App> app) {
    super(app);
  }

  @Override
  protected int maxBodyBytes() {
    return MediaSource.MAX_REQUEST_BYTES;
  }

  @Override
  protected Object handle(Request request) {
    String uid = request.caller().requireUid();
    CdnModule cdn = CdnModule.of(app());
    MediaSource source =
        MediaSource.read(
            request.data(),
            cdn.config().voiceMaxBytes(),
            path -> UploadPath.ofUser("path", path, uid));
    request.data().done();
    return cdn.voice().optimize(uid, source);
  }
}

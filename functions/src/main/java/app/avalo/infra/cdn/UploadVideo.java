package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code uploadVideo} (apps, once per video and again to poll its progress): checks the caller's
 * uploaded video ({@code path} under {@code uploads/{uid}/}) — size, probe, codec, dimensions,
 * duration, a decode of the first seconds — before anything is written, charges the video quota,
 * claims the asset and queues its transcode ({@code transcodeVideo}), answering {@code status:
 * processing} at once. Idempotent per uploaded object: calling again returns the asset as it is now
 * (with {@code progress} while it is processing, the HLS URLs once {@code ready}, {@code
 * failureReason} when {@code failed}), so this is also how a client polls.
 */
public final class UploadVideo extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public UploadVideo() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  UploadVideo(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected Object handle(Request request) {
    String uid = request.caller().requireUid();
    UploadPath path = UploadPath.ofUser("path", request.data().string("path", 1024), uid);
    request.data().done();
    return cdn.get().videos().uploadVideo(uid, path);
  }
}

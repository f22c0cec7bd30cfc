package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import app.avalo.infra.platform.TaskQueue;
import java.util.function.Supplier;

/**
 * {@code transcodeVideo} (private; the Cloud Tasks queue {@code uploadVideo} fills, once per video
 * plus retries): {@code {assetId, task}} transcodes the asset's original into its HLS ladder,
 * poster and preview, writing {@code progress} on the asset as it goes, and marks it {@code ready}.
 * A user's undecodable file marks it {@code failed} (2xx); our own failures answer 5xx so the queue
 * retries with backoff, and the queue's last attempt (read from {@code
 * X-CloudTasks-TaskRetryCount}) marks it failed and dead-lettered. A re-delivery of a finished
 * task, or a task of an older claim, does nothing.
 */
public final class TranscodeVideo extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public TranscodeVideo() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  TranscodeVideo(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected Object handle(Request request) {
    VideoAssets.TranscodeTask task =
        new VideoAssets.TranscodeTask(request.data().id("assetId"), request.data().id("task"));
    request.data().done();
    return cdn.get().videos().transcode(task, TaskQueue.Delivery.of(request));
  }
}

package app.avalo.infra.cdn;


import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code uploadVideo} (user): transcodes the caller's uploaded video ({@code path} under
 * {@code uploads/{uid}/}) into an HLS ladder with poster and preview. Probing limits (duration,
 * size, codec) are checked before anything is written; the asset is then {@code processing} until
 * it ends {@code ready} or {@code failed} with a reason. Runs within the request (up to the
 * function timeout), so clients call it with a long timeout and can read the status if cut off.
 */
public final class UploadVideo extends ApiFunction {
  public UploadVideo() {
    super();
  }

  UploadVideo(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    String uid = request.caller().requireUid();
    UploadPath path = UploadPath.ofUser("path", request.data().string("path", 1024), uid);
    request.data().done();
    return CdnModule.of(app()).videos().uploadVideo(uid, path);
  }
}

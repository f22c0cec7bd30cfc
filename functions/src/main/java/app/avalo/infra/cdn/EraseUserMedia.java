package app.avalo.infra.cdn;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code eraseUserMedia} (private; account deletion, repeatedly until it answers done): {@code
 * {userId}} takes down every asset the user owns and deletes their uploaded originals, in bounded,
 * checkpointed batches ({@code cdnErasures/{userId}}). Answers {@code status: running} when it
 * stopped at its bound — call again until {@code done}. Idempotent: repeating a finished erasure
 * changes nothing unless the user has new media.
 */
public final class EraseUserMedia extends ApiFunction {
  private final Supplier<CdnModule> cdn;

  public EraseUserMedia() {
    super(() -> Root.get().platform());
    this.cdn = () -> Root.get().cdn();
  }

  EraseUserMedia(Platform platform, CdnModule cdn) {
    super(platform);
    this.cdn = () -> cdn;
  }

  @Override
  protected Object handle(Request request) {
    String userId = request.data().id("userId");
    request.data().done();
    return cdn.get().takedowns().erase(userId);
  }
}

package app.avalo.infra.alerting;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code expireSilence} (admins, audited, on demand): {@code {silenceId}} ends a silence now;
 * notifications held back by it go out on the notifier's next run. {@code expired: false} when it
 * had already ended; an unknown id is NOT_FOUND.
 */
public final class ExpireSilence extends ApiFunction {
  private final Supplier<AlertingModule> alerting;

  public ExpireSilence() {
    super(() -> Root.get().platform());
    this.alerting = () -> Root.get().alerting();
  }

  ExpireSilence(Platform platform, AlertingModule alerting) {
    super(platform);
    this.alerting = () -> alerting;
  }

  /** The answer. */
  record Expired(String silenceId, boolean expired) {}

  @Override
  protected Object handle(Request request) {
    String id = request.data().id("silenceId");
    request.data().done();
    boolean expired =
        alerting
            .get()
            .silences()
            .expire(id, request.caller().label(), platform().clock().instant());
    return new Expired(id, expired);
  }
}

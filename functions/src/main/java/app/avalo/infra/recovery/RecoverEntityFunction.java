package app.avalo.infra.recovery;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * The four recovery functions take the same input — the entity's id under its own name ({@code
 * userId}, {@code chatId}, {@code ticketId}, {@code sessionId}), optional {@code backupId}
 * (default: the newest verified backup of any tier), {@code asOf} (a past time: Firestore's
 * point-in-time read within its window, else the newest backup at or before it) or {@code
 * archiveId} (undo an earlier recovery), optional {@code dryRun} — and differ only in what they
 * restore.
 */
abstract class RecoverEntityFunction extends ApiFunction {
  private final Supplier<RecoveryModule> recovery;

  RecoverEntityFunction() {
    super(() -> Root.get().platform());
    this.recovery = () -> Root.get().recovery();
  }

  RecoverEntityFunction(Platform platform, RecoveryModule recovery) {
    super(platform);
    this.recovery = () -> recovery;
  }

  abstract RecoveryUnit unit();

  @Override
  protected final Object handle(Request request) {
    RecoveryRequest recover =
        RecoveryRequest.read(request.data(), unit(), request.caller().label());
    return recovery.get().recovery().recover(recover);
  }
}

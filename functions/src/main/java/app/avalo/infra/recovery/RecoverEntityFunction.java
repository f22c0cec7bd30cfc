package app.avalo.infra.recovery;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The four recovery functions take the same input — the entity's id under its own name ({@code
 * userId}, {@code chatId}, {@code ticketId}, {@code sessionId}), optional {@code backupId}
 * (default: the newest verified backup of any tier) or {@code archiveId} (undo an earlier
 * recovery), optional {@code dryRun} — and differ only in what they restore.
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
    Fields data = request.data();
    RecoveryUnit unit = unit();
    String owner = data.id(unit.inputField());
    Optional<String> backupText = data.optionalString("backupId", 64);
    Optional<String> archiveId = data.optionalId("archiveId");
    boolean dryRun = data.optionalBool("dryRun").orElse(false);
    data.done();
    BackupId backupId =
        backupText
            .map(
                text ->
                    BackupId.parse(text)
                        .orElseThrow(
                            () ->
                                ApiException.invalidArgument(
                                    "backupId",
                                    "must be a backup id such as hourly-20260131T140000Z")))
            .orElse(null);
    if (backupId != null && archiveId.isPresent()) {
      throw ApiException.invalidArgument(
          "archiveId", "give either backupId or archiveId, not both");
    }
    return recovery
        .get()
        .recovery()
        .recover(
            new EntityRecovery.Request(
                unit, owner, backupId, archiveId.orElse(null), dryRun, request.caller().label()));
  }
}

package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.util.Optional;

/**
 * A validated recovery request; at most one of {@code backupId} and {@code archiveId} is set
 * (neither: the newest verified backup of any tier).
 *
 * @param actor who asked, as the audit log names them
 */
record RecoveryRequest(
    RecoveryUnit unit,
    String owner,
    BackupId backupId,
    String archiveId,
    boolean dryRun,
    String actor) {

  /**
   * Reads the entity's id under its own name ({@code userId}, {@code chatId}, …), optional {@code
   * backupId}, {@code archiveId} and {@code dryRun}; refuses any other field.
   */
  static RecoveryRequest read(Fields data, RecoveryUnit unit, String actor) {
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
    return new RecoveryRequest(unit, owner, backupId, archiveId.orElse(null), dryRun, actor);
  }
}

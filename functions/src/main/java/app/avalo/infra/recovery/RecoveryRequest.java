package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.time.Instant;
import java.util.Optional;

/**
 * A validated recovery request; at most one of {@code backupId}, {@code archiveId} and {@code asOf}
 * is set (none: the newest verified backup of any tier). {@code asOf} is checked against
 * Firestore's read-time rule when the recovery runs, as that needs the time.
 *
 * @param asOf the time to restore the entity to: read from Firestore at that time within the
 *     point-in-time window, else the newest verified backup taken at or before it
 * @param actor who asked, as the audit log names them
 */
record RecoveryRequest(
    RecoveryUnit unit,
    String owner,
    BackupId backupId,
    String archiveId,
    Instant asOf,
    boolean dryRun,
    String actor) {

  /**
   * Reads the entity's id under its own name ({@code userId}, {@code chatId}, …), optional {@code
   * backupId}, {@code archiveId}, {@code asOf} and {@code dryRun}; refuses any other field.
   */
  static RecoveryRequest read(Fields data, RecoveryUnit unit, String actor) {
    String owner = data.id(unit.inputField());
    Optional<String> backupText = data.optionalString("backupId", 64);
    Optional<String> archiveId = data.optionalId("archiveId");
    Optional<Instant> asOf = data.optionalInstant("asOf");
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
    if (asOf.isPresent() && (backupId != null || archiveId.isPresent())) {
      throw ApiException.invalidArgument(
          "asOf", "give asOf, backupId or archiveId, not more than one");
    }
    return new RecoveryRequest(
        unit, owner, backupId, archiveId.orElse(null), asOf.orElse(null), dryRun, actor);
  }
}

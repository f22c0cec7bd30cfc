package app.avalo.infra.recovery;

import app.avalo.infra.platform.WireEnum;
import java.util.Locale;

/**
 * Where a backup is in its life, as the index records it: {@code writing} (a run is writing it, or
 * crashed doing so), {@code failed} (a run failed; no manifest), {@code verified} (manifest written
 * and checked against the stored objects), {@code corrupt} (a later check found it damaged; never
 * used), {@code deleting} (retention is removing it).
 */
enum BackupState implements WireEnum {
  WRITING,
  FAILED,
  VERIFIED,
  CORRUPT,
  DELETING;

  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Firestore's read-time rule, as recovery and backups apply it. */
class PointInTimeTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:30.123456789Z");

  @Test
  void withinTheHourAnyTimeIsReadableOlderOnlyWholeMinutes() {
    assertTrue(PointInTime.problem(NOW.minusMillis(1234), NOW).isEmpty());
    assertTrue(PointInTime.problem(NOW.minus(Duration.ofMinutes(59)), NOW).isEmpty());
    assertTrue(
        PointInTime.problem(NOW.minus(Duration.ofHours(2)), NOW).orElseThrow().contains("minute"));
    assertTrue(
        PointInTime.problem(Instant.parse("2026-03-01T08:00:00Z"), NOW).isEmpty(),
        "a whole minute two hours back");
    assertTrue(PointInTime.problem(NOW.plusSeconds(1), NOW).orElseThrow().contains("future"));
  }

  @Test
  void aBackupThatMayReadPastTheHourReadsAtAWholeMinute() {
    // BACKUP_MAX_SNAPSHOT_AGE_SECONDS above an hour (PITR on): a microsecond-precise read time
    // would stop being readable once it is an hour old, halfway through the backup.
    assertEquals(
        Instant.parse("2026-03-01T10:00:00Z"),
        PointInTime.backupSnapshotTime(NOW, Duration.ofHours(6)));
    assertEquals(
        Instant.parse("2026-03-01T10:00:29.123456Z"),
        PointInTime.backupSnapshotTime(NOW, Duration.ofMinutes(55)));
    Instant sixHoursOn = NOW.plus(Duration.ofHours(6));
    assertTrue(
        PointInTime.problem(PointInTime.backupSnapshotTime(NOW, Duration.ofHours(6)), sixHoursOn)
            .isEmpty());
  }
}

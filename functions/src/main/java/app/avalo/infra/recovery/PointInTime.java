package app.avalo.infra.recovery;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Firestore's rule for reading at a past time (point-in-time recovery): any microsecond-precise
 * time within the last hour; older than that, only whole minutes, up to the retention window (7
 * days with PITR enabled, one hour without).
 */
final class PointInTime {
  /** How far back a read time may be of any precision. */
  static final Duration ANY_PRECISION = Duration.ofHours(1);

  /** The longest window Firestore keeps versions for (PITR enabled). */
  static final Duration MAX_WINDOW = Duration.ofDays(7);

  private PointInTime() {}

  /** Why {@code asOf} cannot be a read time at {@code now}, or empty when it can. */
  static Optional<String> problem(Instant asOf, Instant now) {
    if (asOf.isAfter(now)) {
      return Optional.of("must not be in the future");
    }
    if (olderThanAnHour(asOf, now) && !asOf.equals(asOf.truncatedTo(ChronoUnit.MINUTES))) {
      return Optional.of(
          "older than one hour must be a whole minute (point-in-time recovery keeps one-minute"
              + " versions beyond the last hour), e.g. "
              + asOf.truncatedTo(ChronoUnit.MINUTES));
    }
    return Optional.empty();
  }

  /** Whether {@code asOf} is inside a retention {@code window} ending {@code now}. */
  static boolean within(Instant asOf, Instant now, Duration window) {
    return !asOf.isBefore(now.minus(window));
  }

  /**
   * The read time of a backup started at {@code now} that may read for up to {@code maxAge}:
   * microsecond precision when it stays within the hour, else a whole minute — a read time that
   * grows older than an hour while the backup runs must be a whole minute to stay readable.
   */
  static Instant backupSnapshotTime(Instant now, Duration maxAge) {
    Instant past = now.minusSeconds(1);
    return maxAge.compareTo(ANY_PRECISION) > 0
        ? past.truncatedTo(ChronoUnit.MINUTES)
        : past.truncatedTo(ChronoUnit.MICROS);
  }

  private static boolean olderThanAnHour(Instant asOf, Instant now) {
    return Duration.between(asOf, now).compareTo(ANY_PRECISION) > 0;
  }
}

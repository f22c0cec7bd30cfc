package app.avalo.infra.recovery;

import app.avalo.infra.platform.WireEnum;
import com.google.cloud.storage.StorageClass;
import java.time.Duration;
import java.util.Locale;

/**
 * The three backup tiers: how often they run (the catalog's schedule), how many are kept, the
 * storage class their objects get, how old the newest may be before it is stale, and how far a
 * collection's backed-up count may drift from the live count before the health check calls it
 * implausible (older tiers legitimately drift more).
 *
 * <p>Daily backups are kept 90 days, so NEARLINE (30-day minimum storage) rather than COLDLINE
 * (90-day minimum, which the 90th deletion would hit); monthly cold backups are kept for years, so
 * ARCHIVE.
 */
@SuppressWarnings("ImmutableEnumChecker") // StorageClass is an immutable value, just not annotated
enum BackupTier implements WireEnum {
  HOURLY(StorageClass.STANDARD, 48, Duration.ofHours(2), 0.20, "createHourlyBackup"),
  DAILY(StorageClass.NEARLINE, 90, Duration.ofHours(26), 0.35, "createDailyBackup"),
  COLD(StorageClass.ARCHIVE, 365, Duration.ofDays(32), 0.75, "createColdStorageBackup");

  private final StorageClass storageClass;
  private final int defaultKeep;
  private final Duration maxAge;
  private final double countTolerance;
  private final String job;

  BackupTier(
      StorageClass storageClass,
      int defaultKeep,
      Duration maxAge,
      double countTolerance,
      String job) {
    this.storageClass = storageClass;
    this.defaultKeep = defaultKeep;
    this.maxAge = maxAge;
    this.countTolerance = countTolerance;
    this.job = job;
  }

  /** The wire name: {@code hourly}, {@code daily}, {@code cold}. */
  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  StorageClass storageClass() {
    return storageClass;
  }

  int defaultKeep() {
    return defaultKeep;
  }

  /** The newest verified backup older than this is stale. */
  Duration maxAge() {
    return maxAge;
  }

  /** Relative drift of a collection's count (backup vs live) still considered plausible. */
  double countTolerance() {
    return countTolerance;
  }

  /** The catalogued job that writes this tier. */
  String job() {
    return job;
  }

  static BackupTier fromWire(String wire) {
    return WireEnum.parse(BackupTier.class, wire)
        .orElseThrow(() -> new IllegalArgumentException("no backup tier " + wire));
  }
}

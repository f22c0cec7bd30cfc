package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ConfigReader;
import java.time.Duration;

/**
 * The monitoring domain's settings, read once from the environment (see docs/monitoring.md).
 * Per-threshold settings (value, severity, statistic, and optional minSamples/recoveryWindows
 * overrides) live in Firestore instead, where admins edit them without a deploy.
 *
 * @param bucketShards shard documents per service-minute bucket; sustained ingestion capacity is
 *     about this many track calls per second per service (each call up to {@link
 *     SampleReader#MAX_BATCH} samples). Raise it only: readers and cleanup address shards
 *     0..bucketShards-1, so lowering it strands the higher shards until their TTL removes them.
 * @param window the span each health evaluation covers, ending at the evaluated minute
 * @param minSamples default minimum samples for a window to count as evidence either way
 * @param recoveryWindows default consecutive healthy windows before an alert auto-resolves
 * @param maxSampleAge how old a sample's {@code at} may be; minutes older than this (plus a grace
 *     period) are final and get sealed
 * @param minuteRetention how long minute buckets are kept
 * @param rollupRetention how long hourly rollups are kept
 * @param thresholdCacheTtl how old the thresholds the track functions count samples against may be
 *     (each instance re-reads them this often); after an edit, decisions are estimates until every
 *     minute of the window was counted against the new value
 */
public record MonitoringConfig(
    int bucketShards,
    Duration window,
    int minSamples,
    int recoveryWindows,
    Duration maxSampleAge,
    Duration minuteRetention,
    Duration rollupRetention,
    Duration thresholdCacheTtl) {

  public static MonitoringConfig read(ConfigReader reader) {
    int shards = reader.intValue("MONITORING_BUCKET_SHARDS", 16, 1, 100);
    int windowMinutes = reader.intValue("MONITORING_WINDOW_MINUTES", 5, 1, 60);
    int minSamples = reader.intValue("MONITORING_MIN_SAMPLES", 20, 1, 1_000_000);
    int recovery = reader.intValue("MONITORING_RECOVERY_WINDOWS", 3, 1, 1440);
    long maxAge = reader.longValue("MONITORING_MAX_SAMPLE_AGE_SECONDS", 300, 60, 3600);
    int minuteDays = reader.intValue("MONITORING_MINUTE_RETENTION_DAYS", 30, 1, 365);
    int rollupDays = reader.intValue("MONITORING_ROLLUP_RETENTION_DAYS", 400, 7, 3650);
    long cacheSeconds = reader.longValue("MONITORING_THRESHOLD_CACHE_SECONDS", 30, 0, 300);
    if (rollupDays < minuteDays) {
      reader.problem(
          "MONITORING_ROLLUP_RETENTION_DAYS ("
              + rollupDays
              + ") must not be shorter than "
              + "MONITORING_MINUTE_RETENTION_DAYS ("
              + minuteDays
              + ")");
    }
    reader.throwIfInvalid();
    return new MonitoringConfig(
        shards,
        Duration.ofMinutes(windowMinutes),
        minSamples,
        recovery,
        Duration.ofSeconds(maxAge),
        Duration.ofDays(minuteDays),
        Duration.ofDays(rollupDays),
        Duration.ofSeconds(cacheSeconds));
  }
}

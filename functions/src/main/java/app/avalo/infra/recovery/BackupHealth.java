package app.avalo.infra.recovery;

import app.avalo.infra.platform.Alerts;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One health check of every tier's newest backup ({@link BackupHealthMonitor}), as stored in {@code
 * backupHealth} and shown on the dashboard.
 *
 * @param status {@code ok}, {@code warning} or {@code critical}: the worst problem of any tier
 */
record BackupHealth(Instant checkedAt, String status, List<TierHealth> tiers) {

  /** One problem; {@code severity} is the alert's wire name ({@code critical}, {@code warning}). */
  record Problem(String key, String severity, String message) {
    Problem(String key, Alerts.Severity severity, String message) {
      this(key, severity.wire(), message);
    }

    Alerts.Severity alertSeverity() {
      return Alerts.Severity.valueOf(severity.toUpperCase(Locale.ROOT));
    }
  }

  record CollectionCount(String collection, long backup, long live, boolean plausible) {}

  /** One tier; {@code backupId}, {@code snapshotTime} and {@code ageSeconds} null without one. */
  record TierHealth(
      String tier,
      String status,
      String backupId,
      Instant snapshotTime,
      Long ageSeconds,
      boolean fresh,
      boolean verified,
      int shardsChecked,
      long bytesChecked,
      List<CollectionCount> counts,
      List<String> corruptBackups,
      List<Problem> problems) {}

  /** What {@code monitorBackupHealth} reports: the overall status, then each tier by name. */
  record Summary(String status, TierSummary hourly, TierSummary daily, TierSummary cold) {}

  record TierSummary(
      String status, String backupId, Long ageSeconds, int shardsChecked, List<String> problems) {
    static TierSummary of(TierHealth tier) {
      return new TierSummary(
          tier.status(),
          tier.backupId(),
          tier.ageSeconds(),
          tier.shardsChecked(),
          tier.problems().stream().map(Problem::message).toList());
    }
  }

  Summary summary() {
    return new Summary(
        status, tier(BackupTier.HOURLY), tier(BackupTier.DAILY), tier(BackupTier.COLD));
  }

  private TierSummary tier(BackupTier tier) {
    return tiers.stream()
        .filter(t -> t.tier().equals(tier.wire()))
        .findFirst()
        .map(TierSummary::of)
        .orElseThrow(() -> new IllegalStateException("no " + tier.wire() + " tier checked"));
  }
}

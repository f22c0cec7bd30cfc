package app.avalo.infra.recovery;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.recovery.BackupHealth.Problem;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every alert the recovery domain raises ({@code systemAlerts}, source {@code recovery}):
 *
 * <ul>
 *   <li>{@code backup:{tier}:{problem}} from the health check: {@code missing}, {@code corrupt},
 *       {@code stale} (critical), {@code unverified}, {@code counts} (warning). All but {@code
 *       corrupt} resolve by themselves once the tier is healthy again; {@code corrupt} stays open
 *       for a person to look at.
 *   <li>{@code sla:{kind}} (warning) when a recovery took longer than its unit's SLA.
 * </ul>
 */
final class RecoveryAlerts {
  static final String SOURCE = "recovery";
  private static final List<String> SELF_RESOLVING =
      List.of("missing", "stale", "counts", "unverified");

  private final Alerts alerts;

  RecoveryAlerts(Alerts alerts) {
    this.alerts = alerts;
  }

  static String backupKey(BackupTier tier, String problem) {
    return "backup:" + tier.wire() + ":" + problem;
  }

  static String slaKey(RecoveryUnit unit) {
    return "sla:" + unit.wire();
  }

  // ---- the health check's problems ----

  static Problem corrupt(BackupId id, String why) {
    return new Problem(
        "corrupt",
        Alerts.Severity.CRITICAL,
        "backup " + id + " is corrupt and will not be used: " + why);
  }

  static Problem missing(BackupTier tier) {
    return new Problem(
        "missing",
        Alerts.Severity.CRITICAL,
        "there is no usable verified " + tier.wire() + " backup");
  }

  static Problem unverified(BackupId id) {
    return new Problem(
        "unverified",
        Alerts.Severity.WARNING,
        "backup " + id + ": not every shard could be re-hashed before the deadline");
  }

  static Problem stale(BackupTier tier, BackupId id, Duration age) {
    return new Problem(
        "stale",
        Alerts.Severity.CRITICAL,
        "the newest "
            + tier.wire()
            + " backup ("
            + id
            + ") is "
            + age.toHours()
            + " h old; it must be younger than "
            + tier.maxAge().toHours()
            + " h");
  }

  /** {@code implausible}: one "collection n backed up vs m live" per collection. */
  static Problem counts(BackupTier tier, BackupId id, List<String> implausible) {
    return new Problem(
        "counts",
        Alerts.Severity.WARNING,
        "backup "
            + id
            + " counts differ from live data more than "
            + Math.round(tier.countTolerance() * 100)
            + "%: "
            + String.join("; ", implausible));
  }

  /**
   * Raises one alert per problem key of a tier (messages of the same key joined), and resolves the
   * self-resolving ones the tier no longer has.
   */
  void syncHealth(BackupTier tier, List<Problem> problems) {
    Map<String, Problem> byKey = new LinkedHashMap<>();
    problems.forEach(
        p ->
            byKey.merge(
                p.key(),
                p,
                (a, b) -> new Problem(a.key(), a.severity(), a.message() + "; " + b.message())));
    for (Problem problem : byKey.values()) {
      alerts.raise(
          SOURCE,
          backupKey(tier, problem.key()),
          problem.alertSeverity(),
          problem.message(),
          Map.of("tier", tier.wire()));
    }
    for (String key : SELF_RESOLVING) {
      if (!byKey.containsKey(key)) {
        alerts.resolve(SOURCE, backupKey(tier, key), "monitorBackupHealth", "healthy again");
      }
    }
  }

  // ---- recoveries ----

  void slaMissed(RecoveryUnit unit, String owner, long elapsedMs, long slaMs, String archiveId) {
    alerts.raise(
        SOURCE,
        slaKey(unit),
        Alerts.Severity.WARNING,
        "recovering "
            + unit.wire()
            + " "
            + owner
            + " took "
            + elapsedMs
            + " ms (SLA "
            + slaMs
            + " ms)",
        Map.of("archiveId", archiveId, "elapsedMs", elapsedMs, "slaMs", slaMs));
  }
}

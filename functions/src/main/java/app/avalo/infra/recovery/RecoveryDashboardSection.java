package app.avalo.infra.recovery;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's backups panel: each tier's newest verified backup and its age, the last health
 * check, the latest recoveries. Five reads.
 */
final class RecoveryDashboardSection implements DashboardSection {
  private final Platform platform;
  private final RecoveryModule module;

  RecoveryDashboardSection(Platform platform, RecoveryModule module) {
    this.platform = platform;
    this.module = module;
  }

  record Panel(List<TierPanel> tiers, HealthPanel health, List<RecentRecovery> recentRecoveries) {}

  /** A tier; the fields after {@code backupId} are null when it has no verified backup. */
  record TierPanel(
      String tier,
      int keep,
      String storageClass,
      String backupId,
      Instant snapshotTime,
      Long ageSeconds,
      boolean fresh,
      Long documents,
      Long bytes,
      String consistency) {}

  /** The last health check; {@code unknown} (and nothing else) before the first. */
  record HealthPanel(String status, Instant checkedAt, List<BackupHealth.TierHealth> tiers) {}

  record RecentRecovery(
      String archiveId,
      String kind,
      String owner,
      String sourceId,
      String status,
      long writes,
      Long elapsedMs,
      Boolean withinSla,
      Instant createdAt) {
    static RecentRecovery of(ArchiveRecord r) {
      return new RecentRecovery(
          r.archiveId(),
          r.kind(),
          r.owner(),
          r.sourceId(),
          r.status(),
          r.writes(),
          r.elapsedMs(),
          r.withinSla(),
          r.createdAt());
    }
  }

  @Override
  public Panel snapshot() {
    Instant now = platform.clock().instant();
    List<TierPanel> tiers = new ArrayList<>();
    for (BackupTier tier : BackupTier.values()) {
      int keep = module.config().keep(tier);
      String storageClass = tier.storageClass().name();
      Optional<BackupRecord> latest = module.catalog().latestVerified(tier);
      if (latest.isPresent()) {
        BackupRecord r = latest.get();
        Duration age = Duration.between(r.snapshotTime(), now);
        tiers.add(
            new TierPanel(
                tier.wire(),
                keep,
                storageClass,
                r.id().toString(),
                r.snapshotTime(),
                age.toSeconds(),
                age.compareTo(tier.maxAge()) <= 0,
                r.documents(),
                r.bytes(),
                r.consistency()));
      } else {
        tiers.add(
            new TierPanel(
                tier.wire(), keep, storageClass, null, null, null, false, null, null, null));
      }
    }
    HealthPanel health =
        module
            .healthStore()
            .latest()
            .map(h -> new HealthPanel(h.status(), h.checkedAt(), h.tiers()))
            .orElse(new HealthPanel("unknown", null, null));
    List<RecentRecovery> recent =
        module.archiveStore().recent(5).stream().map(RecentRecovery::of).toList();
    return new Panel(tiers, health, recent);
  }
}

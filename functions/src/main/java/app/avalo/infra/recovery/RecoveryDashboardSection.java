package app.avalo.infra.recovery;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.recovery.BackupCatalog.BackupRecord;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @Override
  public Object snapshot() {
    Instant now = platform.clock().instant();
    List<Map<String, Object>> tiers = new ArrayList<>();
    for (BackupTier tier : BackupTier.values()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("tier", tier.wire());
      t.put("keep", module.config().keep(tier));
      t.put("storageClass", tier.storageClass().name());
      Optional<BackupRecord> latest = module.catalog().latestVerified(tier);
      if (latest.isPresent()) {
        BackupRecord r = latest.get();
        Duration age = Duration.between(r.snapshotTime(), now);
        t.put("backupId", r.id().toString());
        t.put("snapshotTime", r.snapshotTime());
        t.put("ageSeconds", age.toSeconds());
        t.put("fresh", age.compareTo(tier.maxAge()) <= 0);
        t.put("documents", r.documents());
        t.put("bytes", r.bytes());
        t.put("consistency", r.consistency());
      } else {
        t.put("backupId", null);
        t.put("fresh", false);
      }
      tiers.add(t);
    }
    Map<String, Object> health = new LinkedHashMap<>();
    DocumentSnapshot latestHealth =
        Firestores.await(
            platform
                .firestore()
                .collection(BackupHealthMonitor.COLLECTION)
                .document("latest")
                .get());
    if (latestHealth.exists()) {
      health.put("status", latestHealth.getString("status"));
      health.put("checkedAt", Firestores.instant(latestHealth.getTimestamp("checkedAt")));
      health.put("tiers", latestHealth.get("tiers"));
    } else {
      health.put("status", "unknown");
    }
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("tiers", tiers);
    snapshot.put("health", health);
    snapshot.put("recentRecoveries", module.archives().recent(5));
    return snapshot;
  }
}

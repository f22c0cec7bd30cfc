package app.avalo.infra.recovery;

import app.avalo.infra.platform.Log;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retention by count: per tier, keep the newest {@code keep} verified backups and everything
 * scheduled after the oldest of those; delete the rest (older verified backups, and failed, partial
 * or corrupt ones older than every kept backup). With {@code keep >= 1} the newest verified backup
 * is never deleted, and a tier with no verified backup loses nothing.
 */
final class BackupRetention {
  private final BackupCatalog catalog;
  private final BackupStorage storage;

  BackupRetention(BackupCatalog catalog, BackupStorage storage) {
    this.catalog = catalog;
    this.storage = storage;
  }

  /** Applies retention to a tier; returns the ids of the deleted backups. */
  List<String> apply(BackupTier tier, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("retention must keep at least one backup");
    }
    List<BackupRecord> all = catalog.all(tier);
    List<BackupRecord> verified =
        all.stream().filter(r -> r.state() == BackupState.VERIFIED).toList();
    if (verified.isEmpty()) {
      return List.of();
    }
    List<BackupRecord> kept = verified.subList(0, Math.min(keep, verified.size()));
    Set<BackupId> keptIds = new HashSet<>();
    kept.forEach(r -> keptIds.add(r.id()));
    Instant oldestKept = kept.get(kept.size() - 1).id().scheduledFor();
    List<String> deleted = new ArrayList<>();
    for (BackupRecord record : all) {
      boolean expired =
          record.state() == BackupState.VERIFIED
              ? !keptIds.contains(record.id())
              : record.id().scheduledFor().isBefore(oldestKept);
      if (expired) {
        delete(record);
        deleted.add(record.id().toString());
      }
    }
    return deleted;
  }

  private void delete(BackupRecord record) {
    catalog.markDeleting(record.id());
    int objects = storage.deleteBackupObjects(record.id());
    catalog.delete(record.id());
    Log.info(
        "backup deleted by retention",
        Map.of(
            "backupId",
            record.id().toString(),
            "status",
            record.state().wire(),
            "objects",
            objects));
  }
}

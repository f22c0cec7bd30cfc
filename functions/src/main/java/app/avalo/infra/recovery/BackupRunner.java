package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Log;
import com.google.cloud.storage.Blob;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One tier's scheduled backup, start to end: write it, verify what was stored, index it, apply
 * retention. Idempotent per scheduled time: the backup id derives from tier and scheduled time, so
 * a retry after a crash removes its own partial objects and writes the same backup again, and a
 * delivery for an already verified backup only re-applies retention. Each run is fenced by its
 * lease generation ({@link BackupFence}): a run that timed out and kept going stops at its next
 * write once its retry has started, and never overwrites the retry's backup or record.
 */
final class BackupRunner {
  private final BackupWriter writer;
  private final BackupStorage storage;
  private final BackupCatalog catalog;
  private final BackupFence fence;
  private final BackupRetention retention;
  private final RecoveryConfig config;
  private final Clock clock;
  private final LongSupplier nanoTime;

  BackupRunner(
      BackupWriter writer,
      BackupStorage storage,
      BackupCatalog catalog,
      BackupFence fence,
      BackupRetention retention,
      RecoveryConfig config,
      Clock clock,
      LongSupplier nanoTime) {
    this.writer = writer;
    this.storage = storage;
    this.catalog = catalog;
    this.fence = fence;
    this.retention = retention;
    this.config = config;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  BackupRunSummary run(BackupTier tier, Instant scheduledFor, RunControl control)
      throws IOException {
    BackupId id = BackupId.of(tier, scheduledFor);
    Optional<BackupRecord> existing = catalog.get(id);
    if (existing.isPresent()
        && existing.get().state() == BackupState.VERIFIED
        && manifestIntact(existing.get())) {
      BackupRecord r = existing.get();
      return new BackupRunSummary.AlreadyComplete(
          r.id().toString(),
          r.id().tier().wire(),
          BackupState.VERIFIED.wire(),
          r.snapshotTime().toString(),
          r.consistency(),
          r.documents(),
          r.bytes(),
          r.shards(),
          true,
          retention.apply(tier, config.keep(tier)));
    }
    // A read time Firestore accepts for as long as the backup may read at it.
    Instant snapshotTime = PointInTime.backupSnapshotTime(clock.instant(), config.maxSnapshotAge());
    long started = nanoTime.getAsLong();
    fence.take(id, control.fencingToken()); // a newer run owns it: ABORTED, nothing touched
    catalog.markWriting(id, storage.bucket(), snapshotTime);
    BackupWriter.Written written;
    try {
      storage.deleteBackupObjects(id); // a failed earlier attempt's partial shards
      written = writer.write(id, snapshotTime, control);
      verifyStored(id, written);
      fence.check(id, control.fencingToken());
      catalog.markVerified(id, written);
    } catch (IOException | RuntimeException | Error e) {
      if (BackupFence.isFenced(e)) {
        // The newer run owns the backup's record and manifest: only this run's own shards go.
        try {
          storage.deleteUnder(id.runPrefix(control.fencingToken()));
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      try {
        catalog.markFailed(id, describe(e));
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
    long elapsedMs = (nanoTime.getAsLong() - started) / 1_000_000;
    Manifest m = written.manifest();
    Log.info(
        "backup verified",
        Map.of(
            "backupId",
            id.toString(),
            "documents",
            m.documents(),
            "bytes",
            m.bytes(),
            "shards",
            m.shards(),
            "elapsedMs",
            elapsedMs));
    return new BackupRunSummary.Written(
        id.toString(),
        tier.wire(),
        BackupState.VERIFIED.wire(),
        snapshotTime.toString(),
        m.consistency(),
        m.documents(),
        m.bytes(),
        m.shards(),
        m.counts(),
        elapsedMs,
        elapsedMs == 0 ? m.documents() * 1000 : m.documents() * 1000 / elapsedMs,
        false,
        retention.apply(tier, config.keep(tier)));
  }

  /**
   * Checks the stored objects against the manifest without downloading shards: one listing gives
   * every object's size and CRC32C (where the store reports one); the manifest is read back whole.
   */
  private void verifyStored(BackupId id, BackupWriter.Written written) {
    Map<String, Blob> stored = new HashMap<>();
    for (Blob blob : storage.listBlobs(id.prefix())) {
      stored.put(blob.getName(), blob);
    }
    for (Manifest.CollectionEntry collection : written.manifest().collections()) {
      for (Manifest.ShardEntry shard : collection.shards()) {
        Blob blob = stored.get(shard.object());
        if (blob == null) {
          throw ApiException.dataLoss(
              "backup " + id + ": shard " + shard.object() + " is missing after writing");
        }
        if (blob.getSize() != null && blob.getSize() != shard.bytes()) {
          throw ApiException.dataLoss(
              "backup "
                  + id
                  + ": shard "
                  + shard.object()
                  + " has "
                  + blob.getSize()
                  + " bytes stored, "
                  + shard.bytes()
                  + " written");
        }
        if (blob.getCrc32c() != null && !blob.getCrc32c().equals(shard.crc32c())) {
          throw ApiException.dataLoss(
              "backup "
                  + id
                  + ": shard "
                  + shard.object()
                  + " CRC32C differs from what was written");
        }
      }
    }
    byte[] manifest =
        storage
            .read(id.manifestObject())
            .orElseThrow(
                () -> ApiException.dataLoss("backup " + id + ": manifest missing after writing"));
    if (!ShardReader.sha256(manifest).equals(written.manifestSha256())) {
      throw ApiException.dataLoss(
          "backup " + id + ": stored manifest differs from the one written");
    }
  }

  private boolean manifestIntact(BackupRecord record) {
    return storage
        .read(record.id().manifestObject())
        .map(bytes -> ShardReader.sha256(bytes).equals(record.manifestSha256()))
        .orElse(false);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return text.length() > 500 ? text.substring(0, 500) : text;
  }
}

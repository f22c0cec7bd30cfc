package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * takedownAsset / eraseUserMedia: removes an asset from the origin and the CDN and keeps its record
 * as {@code taken_down}. Order matters: the objects go first (so a CDN refill finds nothing), then
 * the CDN is purged, and the record is marked last — a run cut off anywhere is finished by running
 * it again, and running it again after it finished changes nothing.
 *
 * <p>Erasure walks the user's assets in id order in bounded batches, checkpointing the last id in
 * {@code cdnErasures/{userId}} after each batch, and stops after {@code maxBatchesPerCall} batches
 * or {@code timeBudget}, answering {@code running}: the caller (account deletion) calls again until
 * {@code done}. The user's uploaded originals are deleted in the same bounded way.
 */
final class TakedownService {
  private final ErasureStore erasures;
  private final Clock clock;
  private final AssetStore assets;
  private final MediaStorage storage;
  private final PurgeService purges;
  private final int batchSize;
  private final int maxBatchesPerCall;
  private final Duration timeBudget;

  TakedownService(
      ErasureStore erasures,
      Clock clock,
      AssetStore assets,
      MediaStorage storage,
      PurgeService purges,
      int batchSize,
      int maxBatchesPerCall,
      Duration timeBudget) {
    this.erasures = erasures;
    this.clock = clock;
    this.assets = assets;
    this.storage = storage;
    this.purges = purges;
    this.batchSize = batchSize;
    this.maxBatchesPerCall = maxBatchesPerCall;
    this.timeBudget = timeBudget;
  }

  TakedownOutcome takedown(String assetId, String reason, String by) {
    Asset asset =
        assets.find(assetId).orElseThrow(() -> ApiException.notFound("no asset " + assetId));
    return takedown(asset, reason, by);
  }

  private TakedownOutcome takedown(Asset asset, String reason, String by) {
    if (asset.takenDown()) {
      // Marked last, so everything before it happened; only leftovers a late writer added remain.
      int late =
          asset.storagePrefix() == null ? 0 : storage.delete(storage.list(asset.storagePrefix()));
      return new TakedownOutcome(asset.id(), true, late, null);
    }
    Set<String> paths = new LinkedHashSet<>();
    for (Variant v : asset.variants()) {
      paths.add(v.path());
    }
    if (asset.storagePrefix() != null) {
      paths.addAll(storage.list(asset.storagePrefix()));
    }
    int deleted = storage.delete(paths);
    String original = asset.details().source();
    if (original != null && original.startsWith(UploadPath.USER_ROOT + "/")) {
      // The original may still exist (kept by configuration, or its processing failed).
      deleted += storage.deleteUploads(List.of(original));
    }
    String purgeId = null;
    if (!asset.privateMedia()) {
      purgeId = purges.purgeAsset(asset.id(), by).purgeId();
    }
    assets.markTakenDown(asset.id(), reason, by, deleted);
    Log.info(
        "asset taken down", Map.of("assetId", asset.id(), "objectsDeleted", deleted, "by", by));
    return new TakedownOutcome(asset.id(), false, deleted, purgeId);
  }

  /**
   * One bounded step of erasing everything {@code userId} owns; call again while it answers
   * running.
   */
  Erasure.Progress erase(String userId) {
    Instant started = clock.instant();
    Optional<Erasure> previous = erasures.find(userId);
    Erasure state =
        previous
            .filter(e -> e.status() == Erasure.Status.RUNNING)
            // A new erasure, or a repeat after one finished: scan again from the start (already
            // taken-down assets are skipped), so media uploaded since is caught too.
            .orElseGet(() -> Erasure.start(userId, started, previous.map(Erasure::runs).orElse(0L)))
            .nextRun();
    String cursor = state.cursor();
    boolean assetsDone = false;
    int batches = 0;
    while (batches < maxBatchesPerCall && !overBudget(started)) {
      List<Asset> batch = assets.ownedBy(userId, cursor, batchSize);
      batches++;
      long takenDown = 0;
      long objects = 0;
      for (Asset asset : batch) {
        if (!asset.takenDown()) {
          TakedownOutcome outcome = takedown(asset, "account erasure", "eraseUserMedia:" + userId);
          takenDown++;
          objects += outcome.objectsDeleted();
        }
        cursor = asset.id();
      }
      state = state.afterBatch(takenDown, objects, cursor, clock.instant());
      erasures.save(state); // checkpoint: a crash resumes after this batch
      if (batch.size() < batchSize) {
        assetsDone = true;
        break;
      }
    }
    boolean uploadsDone = false;
    if (assetsDone && !overBudget(started)) {
      List<String> uploads = storage.listUploads(userId);
      List<String> bounded =
          uploads.subList(0, Math.min(uploads.size(), batchSize * maxBatchesPerCall));
      state = state.withUploadsDeleted(storage.deleteUploads(bounded));
      uploadsDone = bounded.size() == uploads.size();
    }
    if (assetsDone && uploadsDone) {
      state = state.done(clock.instant());
    } else if (assetsDone) {
      state = state.withCursor(cursor); // assets finished; the next call only deletes uploads
    }
    state = state.touched(clock.instant());
    erasures.save(state);
    return state.progress();
  }

  private boolean overBudget(Instant started) {
    return Duration.between(started, clock.instant()).compareTo(timeBudget) >= 0;
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
  static final String RUNNING = "running";
  static final String DONE = "done";

  private final Firestore db;
  private final Clock clock;
  private final AssetStore assets;
  private final MediaStorage storage;
  private final PurgeService purges;
  private final int batchSize;
  private final int maxBatchesPerCall;
  private final Duration timeBudget;

  TakedownService(
      Firestore db,
      Clock clock,
      AssetStore assets,
      MediaStorage storage,
      PurgeService purges,
      int batchSize,
      int maxBatchesPerCall,
      Duration timeBudget) {
    this.batchSize = batchSize;
    this.db = db;
    this.clock = clock;
    this.assets = assets;
    this.storage = storage;
    this.purges = purges;
    this.maxBatchesPerCall = maxBatchesPerCall;
    this.timeBudget = timeBudget;
  }

  /** What one takedown did. */
  record Outcome(String assetId, boolean alreadyTakenDown, int objectsDeleted, String purgeId) {
    Map<String, Object> view() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("assetId", assetId);
      out.put("status", AssetStore.TAKEN_DOWN);
      out.put("alreadyTakenDown", alreadyTakenDown);
      out.put("objectsDeleted", objectsDeleted);
      out.put("purgeId", purgeId);
      return out;
    }
  }

  Map<String, Object> takedown(String assetId, String reason, String by) {
    AssetStore.Asset asset =
        assets.find(assetId).orElseThrow(() -> ApiException.notFound("no asset " + assetId));
    return takedown(asset, reason, by).view();
  }

  private Outcome takedown(AssetStore.Asset asset, String reason, String by) {
    if (asset.takenDown()) {
      // Marked last, so everything before it happened; only leftovers a late writer added remain.
      int late =
          asset.storagePrefix() == null ? 0 : storage.delete(storage.list(asset.storagePrefix()));
      return new Outcome(asset.id(), true, late, null);
    }
    Set<String> paths = new LinkedHashSet<>();
    for (Variant v : asset.variants()) {
      paths.add(v.path());
    }
    if (asset.storagePrefix() != null) {
      paths.addAll(storage.list(asset.storagePrefix()));
    }
    int deleted = storage.delete(paths);
    Object source = asset.raw().get("source");
    if (source instanceof String original && original.startsWith(UploadPath.USER_ROOT + "/")) {
      // The original may still exist (kept by configuration, or its processing failed).
      deleted += storage.deleteUploads(List.of(original));
    }
    String purgeId = null;
    if (!asset.privateMedia()) {
      purgeId = (String) purges.purgeAsset(asset.id(), by).get("purgeId");
    }
    assets.markTakenDown(asset.id(), reason, by, deleted);
    Log.info(
        "asset taken down", Map.of("assetId", asset.id(), "objectsDeleted", deleted, "by", by));
    return new Outcome(asset.id(), false, deleted, purgeId);
  }

  /**
   * One bounded step of erasing everything {@code userId} owns; call again while it answers
   * running.
   */
  Map<String, Object> erase(String userId) {
    Instant started = clock.instant();
    DocumentReference ref = db.collection(CdnCollections.ERASURES).document(userId);
    DocumentSnapshot previous = Firestores.await(ref.get());
    Map<String, Object> state = new HashMap<>();
    if (previous.exists() && RUNNING.equals(previous.getString("status"))) {
      state.putAll(previous.getData());
    } else {
      // A new erasure, or a repeat after one finished: scan again from the start (already
      // taken-down assets are skipped), so media uploaded since is caught too.
      state.put("userId", userId);
      state.put("startedAt", Firestores.timestamp(started));
      state.put("assetsTakenDown", 0L);
      state.put("objectsDeleted", 0L);
      state.put("uploadsDeleted", 0L);
      state.put("cursor", null);
      state.put("runs", previous.exists() ? previous.getLong("runs") : null);
    }
    state.put("status", RUNNING);
    add(state, "runs", 1);
    String cursor = (String) state.get("cursor");
    boolean assetsDone = false;
    int batches = 0;
    while (batches < maxBatchesPerCall && !overBudget(started)) {
      List<AssetStore.Asset> batch = assets.ownedBy(userId, cursor, batchSize);
      batches++;
      long takenDown = 0;
      long objects = 0;
      for (AssetStore.Asset asset : batch) {
        if (!asset.takenDown()) {
          Outcome outcome = takedown(asset, "account erasure", "eraseUserMedia:" + userId);
          takenDown++;
          objects += outcome.objectsDeleted();
        }
        cursor = asset.id();
      }
      add(state, "assetsTakenDown", takenDown);
      add(state, "objectsDeleted", objects);
      state.put("cursor", cursor);
      state.put("updatedAt", Firestores.timestamp(clock.instant()));
      Firestores.await(ref.set(state)); // checkpoint: a crash resumes after this batch
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
      add(state, "uploadsDeleted", storage.deleteUploads(bounded));
      uploadsDone = bounded.size() == uploads.size();
    }
    if (assetsDone && uploadsDone) {
      state.put("status", DONE);
      state.put("cursor", null);
      state.put("finishedAt", Firestores.timestamp(clock.instant()));
    } else if (assetsDone) {
      state.put("cursor", cursor); // assets finished; the next call only deletes leftover uploads
    }
    state.put("updatedAt", Firestores.timestamp(clock.instant()));
    Firestores.await(ref.set(state));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("userId", userId);
    out.put("status", state.get("status"));
    out.put("assetsTakenDown", state.get("assetsTakenDown"));
    out.put("objectsDeleted", state.get("objectsDeleted"));
    out.put("uploadsDeleted", state.get("uploadsDeleted"));
    out.put("runs", state.get("runs"));
    return out;
  }

  private boolean overBudget(Instant started) {
    return Duration.between(started, clock.instant()).compareTo(timeBudget) >= 0;
  }

  private static void add(Map<String, Object> state, String key, long n) {
    Object current = state.get(key);
    state.put(key, (current instanceof Number number ? number.longValue() : 0L) + n);
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Log;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * purgeCache / purgeAllCache: resolves what to invalidate, calls the configured CDN adapter and
 * records every purge in {@code cdnPurges}. A full purge sends every user back to the origin at
 * once, so it is allowed at most once per {@code CDN_PURGE_ALL_MIN_INTERVAL_SECONDS}: the slot is
 * claimed in a transaction on {@code cdnPurgeState/all} before the CDN is called and given back if
 * the call fails.
 */
final class PurgeService {
  private static final String ALL = "all";

  private final Firestore db;
  private final Clock clock;
  private final CachePurger purger;
  private final AssetStore assets;
  private final MediaStorage storage;
  private final Duration minInterval;

  PurgeService(
      Firestore db,
      Clock clock,
      CachePurger purger,
      AssetStore assets,
      MediaStorage storage,
      Duration minInterval) {
    this.db = db;
    this.clock = clock;
    this.purger = purger;
    this.assets = assets;
    this.storage = storage;
    this.minInterval = minInterval;
  }

  Map<String, Object> purgeAsset(String assetId, String requestedBy) {
    AssetStore.Asset asset =
        assets.find(assetId).orElseThrow(() -> ApiException.notFound("no asset " + assetId));
    Set<String> paths = new LinkedHashSet<>();
    for (Variant v : asset.variants()) {
      if (!MediaStorage.isPrivate(v.path())) {
        paths.add(
            v.path()); // private media is served by signed URL from the bucket, never cached by
        // the CDN
      }
    }
    List<URI> prefixes = new ArrayList<>();
    if (asset.storagePrefix() != null && !asset.privateMedia()) {
      paths.addAll(storage.list(asset.storagePrefix()));
      prefixes.add(URI.create(storage.publicUrl(asset.storagePrefix())));
    }
    List<URI> urls = paths.stream().map(p -> URI.create(storage.publicUrl(p))).toList();
    DocumentReference record = db.collection(CdnCollections.PURGES).document();
    CachePurger.PurgeRequest request =
        new CachePurger.PurgeRequest(record.getId(), urls, prefixes, false);
    CachePurger.PurgeResult result = call(request);
    Map<String, Object> doc = record("asset", requestedBy, result);
    doc.put("assetId", assetId);
    doc.put("urls", urls.size());
    doc.put("prefixes", prefixes.stream().map(URI::toString).toList());
    Firestores.await(record.set(doc));
    return answer(record.getId(), result, Map.of("assetId", assetId, "urls", urls.size()));
  }

  Map<String, Object> purgeAll(String reason, String requestedBy) {
    DocumentReference state = db.collection(CdnCollections.PURGE_STATE).document(ALL);
    Instant now = clock.instant();
    Timestamp previous =
        Firestores.await(
            db.runTransaction(
                tx -> {
                  DocumentSnapshot current = tx.get(state).get();
                  Timestamp last = current.exists() ? current.getTimestamp("lastPurgeAt") : null;
                  if (last != null) {
                    Instant allowedAt = Firestores.instant(last).plus(minInterval);
                    if (now.isBefore(allowedAt)) {
                      long wait = Math.max(1, Duration.between(now, allowedAt).toSeconds());
                      throw ApiException.resourceExhausted(
                          "everything was purged at "
                              + Firestores.instant(last)
                              + "; a full purge is allowed once every "
                              + minInterval.toMinutes()
                              + " minutes",
                          Map.of("retryAfterSeconds", wait));
                    }
                  }
                  Map<String, Object> claim = new HashMap<>();
                  claim.put("lastPurgeAt", Firestores.timestamp(now));
                  claim.put("lastPurgeBy", requestedBy);
                  claim.put("lastReason", reason);
                  tx.set(state, claim);
                  return last;
                }));
    DocumentReference record = db.collection(CdnCollections.PURGES).document();
    CachePurger.PurgeResult result;
    try {
      result = call(CachePurger.PurgeRequest.everything(record.getId()));
    } catch (ApiException e) {
      // The CDN purged nothing: give the slot back so an admin can retry at once.
      Map<String, Object> restore = new HashMap<>();
      restore.put("lastPurgeAt", previous);
      Firestores.await(state.update(restore));
      throw e;
    }
    Map<String, Object> doc = record("all", requestedBy, result);
    doc.put("reason", reason);
    Firestores.await(record.set(doc));
    return answer(record.getId(), result, Map.of("nextAllowedAt", now.plus(minInterval)));
  }

  private CachePurger.PurgeResult call(CachePurger.PurgeRequest request) {
    try {
      return purger.purge(request);
    } catch (ApiException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Log.error("CDN purge failed", Map.of("adapter", purger.name()), e);
      throw ApiException.unavailable(
          "the CDN ("
              + purger.name()
              + ") did not accept the purge: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  private Map<String, Object> record(
      String kind, String requestedBy, CachePurger.PurgeResult result) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("kind", kind);
    doc.put("adapter", result.adapter());
    doc.put("operations", result.operations());
    doc.put("requestedBy", requestedBy);
    doc.put("at", Firestores.timestamp(clock.instant()));
    return doc;
  }

  private static Map<String, Object> answer(
      String id, CachePurger.PurgeResult result, Map<String, Object> extra) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("purgeId", id);
    out.put("adapter", result.adapter());
    out.put("operations", result.operations());
    out.putAll(extra);
    return out;
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Log;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * purgeCache / purgeAllCache: resolves what to invalidate, calls the configured CDN adapter and
 * records every purge in {@code cdnPurges}. A full purge sends every user back to the origin at
 * once, so it is allowed at most once per {@code CDN_PURGE_ALL_MIN_INTERVAL_SECONDS}: the slot is
 * claimed in a transaction on {@code cdnPurgeState/all} before the CDN is called and given back if
 * the call fails.
 */
final class PurgeService {
  private final PurgeStore store;
  private final Clock clock;
  private final CachePurger purger;
  private final AssetStore assets;
  private final MediaStorage storage;
  private final Duration minInterval;

  PurgeService(
      PurgeStore store,
      Clock clock,
      CachePurger purger,
      AssetStore assets,
      MediaStorage storage,
      Duration minInterval) {
    this.store = store;
    this.clock = clock;
    this.purger = purger;
    this.assets = assets;
    this.storage = storage;
    this.minInterval = minInterval;
  }

  PurgeAnswer purgeAsset(String assetId, String requestedBy) {
    Asset asset =
        assets.find(assetId).orElseThrow(() -> ApiException.notFound("no asset " + assetId));
    Set<String> paths = new LinkedHashSet<>();
    for (Variant v : asset.variants()) {
      // Private media is served by signed URL from the bucket, never cached by the CDN.
      if (!MediaStorage.isPrivate(v.path())) {
        paths.add(v.path());
      }
    }
    List<URI> prefixes = new ArrayList<>();
    if (asset.storagePrefix() != null && !asset.privateMedia()) {
      paths.addAll(storage.list(asset.storagePrefix()));
      prefixes.add(URI.create(storage.publicUrl(asset.storagePrefix())));
    }
    List<URI> urls = paths.stream().map(p -> URI.create(storage.publicUrl(p))).toList();
    String id = store.newId();
    CachePurger.PurgeResult result = call(new CachePurger.PurgeRequest(id, urls, prefixes, false));
    store.save(
        new Purge(
            id,
            Purge.Kind.ASSET,
            result.adapter(),
            result.operations(),
            requestedBy,
            clock.instant(),
            assetId,
            urls.size(),
            prefixes.stream().map(URI::toString).toList(),
            null));
    return new PurgeAnswer(id, result.adapter(), result.operations(), assetId, urls.size(), null);
  }

  PurgeAnswer purgeAll(PurgeAllRequest request, String requestedBy) {
    request.requireConfirmed();
    String reason = request.reason();
    Instant now = clock.instant();
    Optional<Instant> previous =
        store.claimFullPurge(now, requestedBy, reason, last -> refuseIfTooSoon(last, now));
    String id = store.newId();
    CachePurger.PurgeResult result;
    try {
      result = call(CachePurger.PurgeRequest.everything(id));
    } catch (ApiException e) {
      // The CDN purged nothing: give the slot back so an admin can retry at once.
      store.restoreFullPurge(previous);
      throw e;
    }
    store.save(
        new Purge(
            id,
            Purge.Kind.ALL,
            result.adapter(),
            result.operations(),
            requestedBy,
            clock.instant(),
            null,
            null,
            null,
            reason));
    return new PurgeAnswer(
        id, result.adapter(), result.operations(), null, null, now.plus(minInterval));
  }

  private void refuseIfTooSoon(Optional<Instant> last, Instant now) {
    if (last.isEmpty()) {
      return;
    }
    Instant allowedAt = last.get().plus(minInterval);
    if (now.isBefore(allowedAt)) {
      long wait = Math.max(1, Duration.between(now, allowedAt).toSeconds());
      throw ApiException.resourceExhausted(
          "everything was purged at "
              + last.get()
              + "; a full purge is allowed once every "
              + minInterval.toMinutes()
              + " minutes",
          Map.of("retryAfterSeconds", wait));
    }
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
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Sha256;
import com.google.cloud.Timestamp;
import com.google.cloud.storage.Blob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Image uploads and AI avatars: validate and decode (nothing is written for bad input), encode the
 * delivery set, store every object, then record the asset. If storing fails part-way the objects
 * already written are removed, so a failed upload leaves nothing behind.
 */
final class ImageAssets {
  private final ImagePipeline pipeline;
  private final MediaStorage storage;
  private final AssetStore assets;
  private final MediaQuota quota;
  private final long maxBytes;
  private final boolean deleteOriginals;

  ImageAssets(
      ImagePipeline pipeline,
      MediaStorage storage,
      AssetStore assets,
      MediaQuota quota,
      long maxBytes,
      boolean deleteOriginals) {
    this.pipeline = pipeline;
    this.storage = storage;
    this.assets = assets;
    this.quota = quota;
    this.maxBytes = maxBytes;
    this.deleteOriginals = deleteOriginals;
  }

  long maxBytes() {
    return maxBytes;
  }

  /**
   * Processes a user's photo into a new asset owned by {@code uid}; a private photo is stored with
   * the private media and answered with signed URLs.
   */
  Map<String, Object> uploadImage(String uid, MediaSource source, boolean privateMedia) {
    try {
      return processImage(uid, source, privateMedia);
    } finally {
      if (source instanceof MediaSource.Uploaded uploaded && deleteOriginals) {
        // The original still carries the EXIF/GPS block the variants are stripped of: it goes
        // whether the upload succeeded or was refused.
        storage.deleteUploadQuietly(uploaded.path());
      }
    }
  }

  private Map<String, Object> processImage(String uid, MediaSource source, boolean privateMedia) {
    byte[] bytes = bytesOf(source);
    ImageDecoder.Decoded decoded = pipeline.decode(bytes, source.field());
    quota.charge(uid, MediaAllowance.Budget.MEDIA);
    ImagePipeline.Result result = pipeline.process(decoded);
    String assetId = "img_" + UUID.randomUUID().toString().replace("-", "");
    String prefix = AssetType.IMAGE.prefix(assetId, privateMedia);
    List<Variant> variants = store(result, prefix, AssetType.IMAGE, uid, assetId);
    Map<String, Object> fields = fields(result, prefix, source, bytes.length);
    record(() -> assets.saveReady(assetId, AssetType.IMAGE, uid, fields, variants, null), variants);
    Log.info(
        "image processed",
        Map.of("assetId", assetId, "variants", variants.size(), "notes", result.notes()));
    return response(assetId, AssetType.IMAGE, result, variants);
  }

  /**
   * Caches an AI companion's avatar as asset {@code avatar_{avatarId}}. Each distinct image gets
   * its own version folder (content hash), so a changed avatar gets new URLs instead of waiting 30
   * days for caches to expire; the same image again changes nothing.
   */
  Map<String, Object> cacheAvatar(String avatarId, MediaSource source) {
    try {
      return storeAvatar(avatarId, source);
    } catch (RuntimeException e) {
      if (source instanceof MediaSource.Uploaded uploaded && deleteOriginals) {
        // A refused source must not linger in the upload bucket (the backend sends it again if it
        // wants).
        storage.deleteUploadQuietly(uploaded.path());
      }
      throw e;
    }
  }

  private Map<String, Object> storeAvatar(String avatarId, MediaSource source) {
    byte[] bytes = bytesOf(source);
    ImageDecoder.Decoded decoded = pipeline.decode(bytes, source.field());
    String assetId = "avatar_" + avatarId;
    String version = Sha256.hex(bytes).substring(0, 16);
    Optional<AssetStore.Asset> existing = assets.find(assetId);
    if (existing.isPresent()
        && existing.get().ready()
        && version.equals(existing.get().raw().get("version"))) {
      AssetStore.Asset asset = existing.get();
      Map<String, Object> same = clientView(asset);
      same.put("unchanged", true);
      return same;
    }
    ImagePipeline.Result result = pipeline.process(decoded);
    String owner = "ai:" + avatarId;
    String prefix = "media/" + AssetType.AVATAR.folder() + "/" + avatarId + "/" + version + "/";
    List<Variant> variants = store(result, prefix, AssetType.AVATAR, owner, assetId);
    Map<String, Object> fields = fields(result, prefix, source, bytes.length);
    fields.put("avatarId", avatarId);
    fields.put("version", version);
    Instant createdAt =
        existing
            .map(a -> (Timestamp) a.raw().get("createdAt"))
            .map(app.avalo.infra.platform.Firestores::instant)
            .orElse(null);
    record(
        () -> assets.saveReady(assetId, AssetType.AVATAR, owner, fields, variants, createdAt),
        variants);
    existing
        .map(AssetStore.Asset::storagePrefix)
        .filter(p -> p != null && !p.equals(prefix))
        .ifPresent(old -> storage.deleteQuietly(storage.list(old)));
    Map<String, Object> response = response(assetId, AssetType.AVATAR, result, variants);
    response.put("version", version);
    response.put("unchanged", false);
    return response;
  }

  private byte[] bytesOf(MediaSource source) {
    return switch (source) {
      case MediaSource.Inline inline -> inline.bytes();
      case MediaSource.Uploaded uploaded -> {
        Blob blob = storage.upload(uploaded.path(), "path", maxBytes);
        yield storage.readAll(blob);
      }
    };
  }

  private List<Variant> store(
      ImagePipeline.Result result, String prefix, AssetType type, String owner, String assetId) {
    List<Variant> variants = new ArrayList<>();
    List<String> written = new ArrayList<>();
    try {
      for (ImagePipeline.Encoded e : result.variants()) {
        String path = prefix + e.name() + "." + e.extension();
        MediaStorage.Stored stored =
            storage.put(
                path,
                e.bytes(),
                e.contentType(),
                type.cache(),
                Map.of("owner", owner, "assetId", assetId, "variant", e.name()));
        written.add(path);
        variants.add(
            Variant.of(
                e.name(),
                e.format(),
                e.width(),
                e.height(),
                stored.bytes(),
                path,
                e.contentType()));
      }
    } catch (RuntimeException e) {
      storage.deleteQuietly(written);
      throw e;
    }
    return variants;
  }

  /** Writes the asset record; if that fails, the stored objects would be orphans, so they go. */
  private void record(Runnable save, List<Variant> variants) {
    try {
      save.run();
    } catch (RuntimeException e) {
      storage.deleteQuietly(variants.stream().map(Variant::path).toList());
      throw e;
    }
  }

  private Map<String, Object> fields(
      ImagePipeline.Result result, String prefix, MediaSource source, long bytes) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("width", (long) result.width());
    fields.put("height", (long) result.height());
    fields.put("sourceFormat", result.sourceFormat().wire());
    fields.put("sourceWidth", (long) result.sourceWidth());
    fields.put("sourceHeight", (long) result.sourceHeight());
    fields.put("sourceBytes", bytes);
    fields.put("source", source instanceof MediaSource.Uploaded u ? u.path().value() : "inline");
    fields.put("orientation", (long) result.orientation());
    fields.put("alpha", result.alpha());
    fields.put("placeholder", result.placeholder());
    fields.put("storagePrefix", prefix);
    fields.put("notes", result.notes());
    return fields;
  }

  private Map<String, Object> response(
      String assetId, AssetType type, ImagePipeline.Result result, List<Variant> variants) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("assetId", assetId);
    out.put("type", type.wire());
    out.put("status", AssetStore.READY);
    out.put("width", result.width());
    out.put("height", result.height());
    out.put("sourceFormat", result.sourceFormat().wire());
    out.put("placeholder", result.placeholder());
    boolean privateMedia = MediaStorage.isPrivate(variants.get(0).path());
    out.put("visibility", privateMedia ? "private" : "public");
    List<Map<String, Object>> clientVariants =
        variants.stream().map(v -> v.toClient(storage)).toList();
    out.put("variants", clientVariants);
    if (privateMedia) {
      // Signed URLs: fetch fresh ones with getProgressiveImage once they expire.
      out.put("expiresAt", clientVariants.get(0).get("expiresAt"));
    }
    out.put("notes", result.notes());
    return out;
  }

  private Map<String, Object> clientView(AssetStore.Asset asset) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("assetId", asset.id());
    out.put("type", asset.type().wire());
    out.put("status", asset.status());
    out.put("width", asset.width());
    out.put("height", asset.height());
    out.put("sourceFormat", asset.raw().get("sourceFormat"));
    out.put("placeholder", asset.placeholder());
    out.put("variants", asset.variants().stream().map(v -> v.toClient(storage)).toList());
    out.put("notes", asset.raw().getOrDefault("notes", List.of()));
    out.put("version", asset.raw().get("version"));
    return out;
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Sha256;
import com.google.cloud.storage.Blob;
import java.time.Instant;
import java.util.ArrayList;
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
  ImageUpload uploadImage(String uid, MediaSource source, boolean privateMedia) {
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

  private ImageUpload processImage(String uid, MediaSource source, boolean privateMedia) {
    byte[] bytes = bytesOf(source);
    ImageDecoder.Decoded decoded = pipeline.decode(bytes, source.field());
    quota.charge(uid, MediaAllowance.Budget.MEDIA);
    ImagePipeline.Result result = pipeline.process(decoded);
    String assetId = "img_" + UUID.randomUUID().toString().replace("-", "");
    String prefix = AssetType.IMAGE.prefix(assetId, privateMedia);
    List<Variant> variants = store(result, prefix, AssetType.IMAGE, uid, assetId);
    AssetDetails details = details(result, prefix, source, bytes.length, null, null);
    record(
        () -> assets.saveReady(assetId, AssetType.IMAGE, uid, details, null, variants, null),
        variants);
    Log.info(
        "image processed",
        Map.of("assetId", assetId, "variants", variants.size(), "notes", result.notes()));
    return response(assetId, AssetType.IMAGE, result, variants, null, null);
  }

  /**
   * Caches an AI companion's avatar as asset {@code avatar_{avatarId}}. Each distinct image gets
   * its own version folder (content hash), so a changed avatar gets new URLs instead of waiting 30
   * days for caches to expire; the same image again changes nothing.
   */
  ImageUpload cacheAvatar(String avatarId, MediaSource source) {
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

  private ImageUpload storeAvatar(String avatarId, MediaSource source) {
    byte[] bytes = bytesOf(source);
    ImageDecoder.Decoded decoded = pipeline.decode(bytes, source.field());
    String assetId = "avatar_" + avatarId;
    String version = Sha256.hex(bytes).substring(0, 16);
    Optional<Asset> existing = assets.find(assetId);
    if (existing.isPresent()
        && existing.get().ready()
        && version.equals(existing.get().details().version())) {
      return unchanged(existing.get());
    }
    ImagePipeline.Result result = pipeline.process(decoded);
    String owner = "ai:" + avatarId;
    String prefix = "media/" + AssetType.AVATAR.folder() + "/" + avatarId + "/" + version + "/";
    List<Variant> variants = store(result, prefix, AssetType.AVATAR, owner, assetId);
    AssetDetails details = details(result, prefix, source, bytes.length, avatarId, version);
    Instant createdAt = existing.map(Asset::createdAt).orElse(null);
    record(
        () ->
            assets.saveReady(assetId, AssetType.AVATAR, owner, details, null, variants, createdAt),
        variants);
    existing
        .map(Asset::storagePrefix)
        .filter(p -> p != null && !p.equals(prefix))
        .ifPresent(old -> storage.deleteQuietly(storage.list(old)));
    return response(assetId, AssetType.AVATAR, result, variants, version, false);
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

  private static AssetDetails details(
      ImagePipeline.Result result,
      String prefix,
      MediaSource source,
      long bytes,
      String avatarId,
      String version) {
    String origin = source instanceof MediaSource.Uploaded u ? u.path().value() : "inline";
    return AssetDetails.image(result, prefix, origin, bytes, avatarId, version);
  }

  private ImageUpload response(
      String assetId,
      AssetType type,
      ImagePipeline.Result result,
      List<Variant> variants,
      String version,
      Boolean unchanged) {
    boolean privateMedia = MediaStorage.isPrivate(variants.get(0).path());
    List<Variant.Client> clientVariants = variants.stream().map(v -> v.toClient(storage)).toList();
    return new ImageUpload(
        assetId,
        type.wire(),
        AssetStatus.READY.wire(),
        result.width(),
        result.height(),
        result.sourceFormat().wire(),
        result.placeholder(),
        privateMedia ? "private" : "public",
        clientVariants,
        // Signed URLs: fetch fresh ones with getProgressiveImage once they expire.
        privateMedia ? clientVariants.get(0).expiresAt() : null,
        result.notes(),
        version,
        unchanged);
  }

  /** The avatar as recorded, for a repeat of the same image. */
  private ImageUpload unchanged(Asset asset) {
    AssetDetails d = asset.details();
    return new ImageUpload(
        asset.id(),
        asset.type().wire(),
        asset.status().wire(),
        asset.width(),
        asset.height(),
        d.sourceFormat(),
        asset.placeholder(),
        null,
        asset.variants().stream().map(v -> v.toClient(storage)).toList(),
        null,
        d.notes() == null ? List.of() : d.notes(),
        d.version(),
        true);
  }
}

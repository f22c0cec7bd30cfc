package app.avalo.infra.cdn;

import java.util.Locale;

/** What an asset is; decides its storage prefix and cache lifetime. */
enum AssetType {
  IMAGE("images", CachePolicy.IMAGE),
  VIDEO("videos", CachePolicy.VIDEO),
  VOICE("voice", CachePolicy.VIDEO),
  AVATAR("avatars", CachePolicy.AVATAR);

  private final String folder;
  private final CachePolicy cache;

  AssetType(String folder, CachePolicy cache) {
    this.folder = folder;
    this.cache = cache;
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The storage folder under {@code media/} (or {@code private/}). */
  String folder() {
    return folder;
  }

  /**
   * Where an asset's objects live: {@code media/{folder}/{assetId}/} for public media, {@code
   * private/{folder}/{assetId}/} for private media (MediaStorage). Only the opaque asset id names
   * the folder, never the owner's uid: a URL must not say whose media it is.
   */
  String prefix(String assetId, boolean privateMedia) {
    return (privateMedia ? MediaStorage.PRIVATE_ROOT : "media")
        + "/"
        + folder
        + "/"
        + assetId
        + "/";
  }

  CachePolicy cache() {
    return cache;
  }

  static AssetType fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}

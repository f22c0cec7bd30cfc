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

  /** The storage folder under {@code media/}. */
  String folder() {
    return folder;
  }

  CachePolicy cache() {
    return cache;
  }

  static AssetType fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}

package app.avalo.infra.cdn;

import java.time.Duration;

/**
 * {@code Cache-Control} by kind of object. Asset paths are never reused for different bytes (a new
 * upload gets a new asset id, a new avatar version a new path), so long lifetimes are safe; purging
 * exists for takedowns.
 */
enum CachePolicy {
  /** Photos and their thumbnails. */
  IMAGE(Duration.ofHours(24), false),
  /** Video playlists, posters, previews and voice messages. */
  VIDEO(Duration.ofDays(7), false),
  /** AI avatars. */
  AVATAR(Duration.ofDays(30), false),
  /** Content-addressed bytes that never change under their name: HLS segments. */
  STATIC(Duration.ofDays(365), true);

  private final Duration maxAge;
  private final boolean immutable;

  CachePolicy(Duration maxAge, boolean immutable) {
    this.maxAge = maxAge;
    this.immutable = immutable;
  }

  Duration maxAge() {
    return maxAge;
  }

  String header() {
    return "public, max-age=" + maxAge.toSeconds() + (immutable ? ", immutable" : "");
  }

  /** For private media (served by signed URL): the client may keep it, shared caches may not. */
  String privateHeader() {
    return "private, max-age=" + maxAge.toSeconds() + (immutable ? ", immutable" : "");
  }
}

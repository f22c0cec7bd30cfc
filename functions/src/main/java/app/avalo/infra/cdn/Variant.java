package app.avalo.infra.cdn;

/**
 * One stored rendition of an asset as recorded in {@code cdnAssets.variants}: name ({@code s300},
 * {@code full}, {@code 720p}, {@code poster}, …), format, pixel size, bytes and object path. {@code
 * bandwidth} and {@code segments} are set for HLS renditions only.
 */
record Variant(
    String name,
    String format,
    int width,
    int height,
    long bytes,
    String path,
    String contentType,
    Long bandwidth,
    Integer segments) {

  static Variant of(
      String name,
      String format,
      int width,
      int height,
      long bytes,
      String path,
      String contentType) {
    return new Variant(name, format, width, height, bytes, path, contentType, null, null);
  }

  /**
   * The variant as clients see it: the object path replaced by its URL (signed for private media,
   * with the URL's expiry).
   */
  Client toClient(MediaStorage storage) {
    String url;
    String expiresAt = null;
    if (MediaStorage.isPrivate(path)) {
      SignedUrls.Signed signed = storage.signed(path);
      url = signed.url();
      expiresAt = signed.expiresAt().toString();
    } else {
      url = storage.publicUrl(path);
    }
    return new Client(
        name, format, width, height, bytes, contentType, bandwidth, segments, url, expiresAt);
  }

  /** A variant in a response. */
  record Client(
      String name,
      String format,
      int width,
      int height,
      long bytes,
      String contentType,
      Long bandwidth,
      Integer segments,
      String url,
      String expiresAt) {}
}

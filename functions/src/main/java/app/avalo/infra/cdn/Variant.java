package app.avalo.infra.cdn;

import java.util.LinkedHashMap;
import java.util.Map;

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

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("format", format);
    m.put("width", (long) width);
    m.put("height", (long) height);
    m.put("bytes", bytes);
    m.put("path", path);
    m.put("contentType", contentType);
    if (bandwidth != null) {
      m.put("bandwidth", bandwidth);
    }
    if (segments != null) {
      m.put("segments", (long) segments);
    }
    return m;
  }

  static Variant fromMap(Map<String, Object> m) {
    return new Variant(
        (String) m.get("name"),
        (String) m.get("format"),
        number(m, "width"),
        number(m, "height"),
        ((Number) m.getOrDefault("bytes", 0L)).longValue(),
        (String) m.get("path"),
        (String) m.get("contentType"),
        m.get("bandwidth") == null ? null : ((Number) m.get("bandwidth")).longValue(),
        m.get("segments") == null ? null : number(m, "segments"));
  }

  /**
   * The variant as clients see it: the object path replaced by its URL (signed for private media).
   */
  Map<String, Object> toClient(MediaStorage storage) {
    Map<String, Object> m = toMap();
    m.remove("path");
    if (MediaStorage.isPrivate(path)) {
      SignedUrls.Signed signed = storage.signed(path);
      m.put("url", signed.url());
      m.put("expiresAt", signed.expiresAt().toString());
    } else {
      m.put("url", storage.publicUrl(path));
    }
    return m;
  }

  private static int number(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? 0 : ((Number) v).intValue();
  }
}

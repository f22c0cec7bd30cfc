package app.avalo.infra.cdn;

import java.util.List;

/**
 * What getProgressiveImage answers for an image: the placeholder, the chosen variant and a srcset
 * per accepted format ({@code expiresAt}: when the signed URLs of private media expire).
 */
record ProgressiveImage(
    String assetId,
    String visibility,
    int width,
    int height,
    String placeholder,
    String expiresAt,
    String url,
    String format,
    int variantWidth,
    int variantHeight,
    String srcset,
    List<Source> sources) {

  /** One {@code <source>} of a {@code <picture>} element. */
  record Source(String format, String type, String srcset) {}
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.util.List;
import java.util.OptionalLong;

/**
 * getProgressiveImage's input: the asset, the width to fit (null: the largest variant) and the
 * formats the client accepts (null: all; each one of {@link ProgressiveImages#FORMAT_PREFERENCE}).
 */
record ProgressiveImageRequest(String assetId, Integer width, List<String> formats) {
  static ProgressiveImageRequest read(Fields data) {
    String assetId = data.id("assetId");
    OptionalLong width = data.optionalLong("width", 1, 16_384);
    List<String> formats = null;
    if (data.has("formats")) {
      formats = data.strings("formats", 3, 10);
      for (int i = 0; i < formats.size(); i++) {
        if (!ProgressiveImages.FORMAT_PREFERENCE.contains(formats.get(i))) {
          throw ApiException.invalidArgument(
              "formats[" + i + "]",
              "must be one of " + String.join(", ", ProgressiveImages.FORMAT_PREFERENCE));
        }
      }
    }
    return new ProgressiveImageRequest(
        assetId, width.isPresent() ? (int) width.getAsLong() : null, formats);
  }
}

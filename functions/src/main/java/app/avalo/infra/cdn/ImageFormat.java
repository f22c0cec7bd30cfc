package app.avalo.infra.cdn;

import java.util.Locale;
import java.util.Optional;

/**
 * The image formats accepted as input, recognised by their magic bytes (never by a name or a
 * claimed type).
 */
enum ImageFormat {
  JPEG("image/jpeg"),
  PNG("image/png"),
  WEBP("image/webp"),
  GIF("image/gif");

  private final String mimeType;

  ImageFormat(String mimeType) {
    this.mimeType = mimeType;
  }

  String mimeType() {
    return mimeType;
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<ImageFormat> sniff(byte[] b) {
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return Optional.of(WEBP);
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(b, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return Optional.of(GIF);
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] b, int offset, int... magic) {
    if (b.length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[offset + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}

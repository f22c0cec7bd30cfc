package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where an upload's bytes come from: inline base64 in {@code data}, or an uploaded original at
 * {@code path}. Exactly one of the two; the path rule (whose prefix) is decided by the caller.
 */
sealed interface MediaSource {
  /**
   * The request-size cap of functions that take inline media: base64 inflates by a third, so 15 MiB
   * of request carries about 11 MiB of media.
   */
  int MAX_REQUEST_BYTES = 15 * 1024 * 1024;

  /** Bytes sent in the request. */
  @SuppressWarnings("ArrayRecordComponent") // a payload carrier: never compared, hashed or shared
  record Inline(byte[] bytes) implements MediaSource {}

  /** An object already uploaded to the upload bucket. */
  record Uploaded(UploadPath path) implements MediaSource {}

  /** The field an error about this source names. */
  default String field() {
    return this instanceof Inline ? "data" : "path";
  }

  /**
   * Reads {@code data} (base64, at most {@code maxBytes} decoded) or {@code path} from the request.
   * {@code pathRule} validates a path (ownership, root) and may throw.
   */
  static MediaSource read(Fields fields, long maxBytes, Function<String, UploadPath> pathRule) {
    int maxChars = (int) Math.min(Integer.MAX_VALUE - 16, (maxBytes + 2) / 3 * 4 + 4);
    Optional<String> data = fields.optionalString("data", maxChars);
    Optional<String> path = fields.optionalString("path", 1024);
    if (data.isPresent() == path.isPresent()) {
      throw ApiException.invalidArgument(
          "data", "give exactly one of data (base64 bytes) or path (an uploaded object)");
    }
    if (path.isPresent()) {
      return new Uploaded(pathRule.apply(path.get()));
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data.get().trim());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidArgument("data", "must be standard base64");
    }
    if (bytes.length == 0) {
      throw ApiException.invalidArgument("data", "is empty (0 bytes)");
    }
    if (bytes.length > maxBytes) {
      throw ApiException.invalidArgument(
          "data", "is " + bytes.length + " bytes; the limit is " + maxBytes);
    }
    return new Inline(bytes);
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import java.util.regex.Pattern;

/**
 * A storage path of an uploaded original, checked before any read: a plain relative path (no {@code
 * ..}, empty segment, backslash or escape) under an allowed root. User uploads live under {@code
 * uploads/{uid}/}; a path under another user's prefix is PERMISSION_DENIED.
 */
record UploadPath(String value) {
  static final String USER_ROOT = "uploads";
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,199}");
  private static final int MAX_LENGTH = 1024;

  /** A path the signed-in user {@code uid} uploaded: {@code uploads/{uid}/…}. */
  static UploadPath ofUser(String field, String raw, String uid) {
    String[] segments = segments(field, raw);
    if (segments.length < 3 || !segments[0].equals(USER_ROOT)) {
      throw ApiException.invalidArgument(
          field, "must be a path under " + USER_ROOT + "/{your uid}/");
    }
    if (!segments[1].equals(uid)) {
      throw ApiException.permissionDenied(
          field
              + ": the object belongs to another user; only your own uploads under "
              + USER_ROOT
              + "/"
              + uid
              + "/ can be processed");
    }
    return new UploadPath(raw);
  }

  /** A path under a fixed root (for backend callers), e.g. {@code ai-avatars/…}. */
  static UploadPath under(String field, String raw, String root) {
    String[] segments = segments(field, raw);
    if (segments.length < 2 || !segments[0].equals(root)) {
      throw ApiException.invalidArgument(field, "must be a path under " + root + "/");
    }
    return new UploadPath(raw);
  }

  private static String[] segments(String field, String raw) {
    if (raw.length() > MAX_LENGTH) {
      throw ApiException.invalidArgument(field, "must be at most " + MAX_LENGTH + " characters");
    }
    if (raw.startsWith("/") || raw.contains("\\") || raw.contains("%") || raw.contains("//")) {
      throw ApiException.invalidArgument(
          field, "must be a relative storage path without '\\', '%' or empty segments");
    }
    String[] segments = raw.split("/");
    for (String s : segments) {
      if (s.equals("..") || s.equals(".")) {
        throw ApiException.invalidArgument(
            field, "must not contain '.' or '..' segments (path traversal)");
      }
      if (!SEGMENT.matcher(s).matches()) {
        throw ApiException.invalidArgument(
            field,
            "each segment must start with a letter or digit and use only letters, digits, '.', '_'"
                + " or '-'");
      }
    }
    return segments;
  }
}

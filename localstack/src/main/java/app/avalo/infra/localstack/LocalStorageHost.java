package app.avalo.infra.localstack;

import app.avalo.infra.Root;
import app.avalo.infra.cdn.CdnConfig;
import app.avalo.infra.cdn.LocalUrlSigner;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Caller;
import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.TokenVerifier;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The dev server's face of the in-memory Cloud Storage, as the app meets Cloud Storage in
 * production:
 *
 * <ul>
 *   <li>{@code GET /_local/storage/{bucket}/{object}}: public media ({@code MEDIA_BUCKET}) for
 *       anyone, as the CDN serves it; any other bucket only with a valid, unexpired V4 signed URL
 *       from the functions (checked with {@link LocalUrlSigner#verify}), refused the way Cloud
 *       Storage refuses;
 *   <li>{@code POST /v0/b/{bucket}/o?name=…}: the Firebase Storage upload protocol (multipart, what
 *       the Firebase SDKs' {@code uploadBytes} sends after {@code connectStorageEmulator}), with
 *       the {@code Authorization: Firebase <ID token>} header verified like the functions do and
 *       the upload rule of {@code storage.rules} applied: only {@code uploads/{your uid}/…} in the
 *       upload bucket, image/video/audio types, 1 byte up to the functions' size limits.
 * </ul>
 *
 * The in-memory Storage has no rules engine, so the upload rule is restated here; its limits are
 * the functions' own (CdnConfig), which {@code storage.rules} is checked against (rules-syntax
 * test).
 */
final class LocalStorageHost {
  static final String ROOT = "/_local/storage";
  private static final Pattern IMAGE = Pattern.compile("image/(jpeg|png|webp|gif)");
  private static final Pattern VIDEO =
      Pattern.compile("video/(mp4|quicktime|webm|x-matroska|3gpp|3gpp2)");
  private static final Pattern VOICE =
      Pattern.compile("audio/(ogg|opus|mpeg|mp4|aac|x-m4a|wav|x-wav|webm|flac|3gpp|amr)");

  private final Storage storage;
  private final String mediaBucket;
  private final String uploadBucket;
  private final LocalUrlSigner signer;
  private final TokenVerifier tokens;
  private final Clock clock;
  private final CdnConfig limits;

  LocalStorageHost(
      Storage storage, CdnConfig config, LocalUrlSigner signer, TokenVerifier tokens, Clock clock) {
    this.storage = storage;
    this.mediaBucket = config.mediaBucket();
    this.uploadBucket = config.uploadBucket();
    this.signer = signer;
    this.tokens = tokens;
    this.clock = clock;
    this.limits = config;
  }

  /** For the dev server: the same signer key the functions derive from the project id. */
  static LocalStorageHost of(Root root, Storage storage) {
    Platform app = root.platform();
    return new LocalStorageHost(
        storage,
        root.cdn().config(),
        new LocalUrlSigner(app.config().projectId()),
        token -> app.tokenVerifier().verify(token),
        app.clock());
  }

  String uploadBucket() {
    return uploadBucket;
  }

  /** GET of an object under {@link #ROOT}. */
  void serveObject(HttpRequest request, HttpResponse response) throws IOException {
    URI url = URI.create(request.getUri());
    Optional<LocalUrlSigner.Grant> grant = LocalUrlSigner.grantOf(url, ROOT, null);
    if (grant.isEmpty()) {
      xmlError(response, 400, "InvalidURI", "expected " + ROOT + "/{bucket}/{object}");
      return;
    }
    String bucket = grant.get().bucket();
    if (!bucket.equals(mediaBucket)) {
      Map<String, String> headers = new HashMap<>();
      request
          .getHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      if (url.getRawQuery() == null || !url.getRawQuery().contains("X-Goog-Signature=")) {
        xmlError(
            response,
            403,
            "AccessDenied",
            "Anonymous caller does not have storage.objects.get access to the "
                + "Google Cloud Storage object.");
        return;
      }
      Optional<String> refused =
          signer.verify(request.getMethod(), url, headers, ROOT, clock.instant());
      if (refused.isPresent()) {
        boolean expired = refused.get().contains("expired");
        xmlError(
            response,
            expired ? 400 : 403,
            expired ? "ExpiredToken" : "SignatureDoesNotMatch",
            refused.get());
        return;
      }
    }
    Blob blob = storage.get(BlobId.of(bucket, grant.get().object()));
    if (blob == null) {
      xmlError(response, 404, "NoSuchKey", "The specified key does not exist.");
      return;
    }
    response.setStatusCode(200);
    response.setContentType(
        blob.getContentType() == null ? "application/octet-stream" : blob.getContentType());
    if (blob.getCacheControl() != null) {
      response.appendHeader("Cache-Control", blob.getCacheControl());
    }
    try (OutputStream out = response.getOutputStream()) {
      out.write(blob.getContent());
    }
  }

  /** {@code POST /v0/b/{bucket}/o?name=…} with {@code X-Goog-Upload-Protocol: multipart}. */
  void firebaseUpload(HttpRequest request, HttpResponse response) throws IOException {
    String path = request.getPath();
    String[] parts = path.split("/");
    // "", "v0", "b", bucket, "o"
    if (!"POST".equals(request.getMethod()) || parts.length != 5 || !parts[4].equals("o")) {
      firebaseError(response, 400, "only uploads (POST /v0/b/{bucket}/o?name=…) are served here");
      return;
    }
    String bucket = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
    String name = request.getFirstQueryParameter("name").orElse("");
    String protocol = request.getFirstHeader("X-Goog-Upload-Protocol").orElse("");
    if (!protocol.equals("multipart")) {
      firebaseError(
          response,
          400,
          "X-Goog-Upload-Protocol '" + protocol + "' is not supported locally (multipart is)");
      return;
    }
    Caller caller;
    try {
      caller = authenticate(request);
    } catch (ApiException e) {
      firebaseError(response, 401, e.getMessage());
      return;
    }
    Multipart body;
    try {
      body =
          Multipart.parse(
              request.getContentType().orElse(""),
              request
                  .getInputStream()
                  .readNBytes(
                      (int) Math.min(Integer.MAX_VALUE - 8, limits.videoMaxBytes() + 64 * 1024)));
    } catch (IllegalArgumentException e) {
      firebaseError(response, 400, "malformed multipart body: " + e.getMessage());
      return;
    }
    Optional<String> denied =
        uploadRule(caller, bucket, name, body.contentType(), body.bytes().length);
    if (denied.isPresent()) {
      firebaseError(response, 403, "Permission denied. " + denied.get());
      return;
    }
    Map<String, String> custom = new HashMap<>();
    JsonElement metadata = body.metadata().get("metadata");
    if (metadata != null && metadata.isJsonObject()) {
      metadata
          .getAsJsonObject()
          .entrySet()
          .forEach(e -> custom.put(e.getKey(), e.getValue().getAsString()));
    }
    custom.put("firebaseStorageDownloadTokens", UUID.randomUUID().toString());
    Blob blob =
        storage.create(
            BlobInfo.newBuilder(BlobId.of(bucket, name))
                .setContentType(body.contentType())
                .setMetadata(custom)
                .build(),
            body.bytes());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("name", name);
    answer.put("bucket", bucket);
    answer.put(
        "generation", String.valueOf(blob.getGeneration() == null ? 1 : blob.getGeneration()));
    answer.put("metageneration", "1");
    answer.put("contentType", body.contentType());
    answer.put("timeCreated", clock.instant().toString());
    answer.put("updated", clock.instant().toString());
    answer.put("size", String.valueOf(body.bytes().length));
    answer.put("md5Hash", blob.getMd5());
    answer.put("contentEncoding", "identity");
    answer.put(
        "metadata",
        custom.entrySet().stream()
            .filter(e -> !e.getKey().startsWith("firebaseStorage"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    answer.put("downloadTokens", custom.get("firebaseStorageDownloadTokens"));
    DevRouter.sendJson(response, 200, answer);
  }

  /** {@code storage.rules}' upload rule: who may write what where; the reason when refused. */
  Optional<String> uploadRule(
      Caller caller, String bucket, String name, String contentType, long size) {
    if (!bucket.equals(uploadBucket)) {
      return Optional.of(
          "Uploads go to the upload bucket " + uploadBucket + ", not " + bucket + ".");
    }
    String[] segments = name.split("/");
    if (segments.length < 3
        || !segments[0].equals("uploads")
        || Arrays.stream(segments).anyMatch(String::isEmpty)) {
      return Optional.of("Only uploads/{uid}/… is writable.");
    }
    if (caller.uid() == null || !segments[1].equals(caller.uid())) {
      return Optional.of("Only the signed-in user writes under uploads/" + segments[1] + "/.");
    }
    long max;
    if (IMAGE.matcher(contentType).matches()) {
      max = limits.imageMaxBytes();
    } else if (VIDEO.matcher(contentType).matches()) {
      max = limits.videoMaxBytes();
    } else if (VOICE.matcher(contentType).matches()) {
      max = limits.voiceMaxBytes();
    } else {
      return Optional.of(
          "Content type " + contentType + " is not an accepted image, video or audio type.");
    }
    if (size <= 0 || size > max) {
      return Optional.of(
          "Size " + size + " is outside 1.." + max + " bytes for " + contentType + ".");
    }
    return Optional.empty();
  }

  private Caller authenticate(HttpRequest request) {
    String header = request.getFirstHeader("Authorization").orElse("");
    if (!header.regionMatches(true, 0, "Firebase ", 0, 9) || header.length() <= 9) {
      throw ApiException.unauthenticated(
          "User is not authenticated (Authorization: Firebase <ID token>)");
    }
    return tokens.verify(header.substring(9).trim());
  }

  /**
   * The JSON error shape the Firebase Storage SDKs read ({@code error.code}, {@code
   * error.message}).
   */
  private static void firebaseError(HttpResponse response, int code, String message)
      throws IOException {
    DevRouter.sendJson(response, code, Map.of("error", Map.of("code", code, "message", message)));
  }

  /** Cloud Storage's XML error shape (what signed-URL requests get). */
  private static void xmlError(HttpResponse response, int status, String code, String message)
      throws IOException {
    response.setStatusCode(status);
    response.setContentType("application/xml; charset=UTF-8");
    var writer = response.getWriter();
    writer.write(
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>"
            + code
            + "</Code><Message>"
            + message.replace("&", "&amp;").replace("<", "&lt;")
            + "</Message></Error>");
    writer.flush();
  }

  /** A {@code multipart/related} body of two parts: JSON metadata, then the bytes. */
  @SuppressWarnings("ArrayRecordComponent") // a payload carrier: never compared, hashed or shared
  record Multipart(JsonObject metadata, String contentType, byte[] bytes) {
    static Multipart parse(String contentType, byte[] body) {
      int at = contentType.indexOf("boundary=");
      if (!contentType.startsWith("multipart/related") || at < 0) {
        throw new IllegalArgumentException(
            "Content-Type must be multipart/related with a boundary");
      }
      String boundary =
          "--" + contentType.substring(at + "boundary=".length()).replace("\"", "").trim();
      byte[] delimiter = ("\r\n" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      byte[] first = boundary.getBytes(StandardCharsets.ISO_8859_1);
      if (indexOf(body, first, 0) != 0) {
        throw new IllegalArgumentException("the body does not start with the boundary");
      }
      int metaHeadersEnd =
          indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), first.length);
      int metaEnd = indexOf(body, delimiter, metaHeadersEnd);
      int dataHeadersStart = metaEnd + delimiter.length;
      int dataHeadersEnd =
          indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), dataHeadersStart);
      int dataEnd =
          indexOf(
              body,
              (new String(delimiter, StandardCharsets.ISO_8859_1) + "--")
                  .getBytes(StandardCharsets.ISO_8859_1),
              dataHeadersEnd);
      if (metaHeadersEnd < 0 || metaEnd < 0 || dataHeadersEnd < 0 || dataEnd < 0) {
        throw new IllegalArgumentException("expected a metadata part and a data part");
      }
      JsonElement meta =
          Json.parseStrict(
              new StringReader(
                  new String(
                      body,
                      metaHeadersEnd + 4,
                      metaEnd - metaHeadersEnd - 4,
                      StandardCharsets.UTF_8)));
      if (!meta.isJsonObject()) {
        throw new IllegalArgumentException("the metadata part is not a JSON object");
      }
      String dataHeaders =
          new String(
              body,
              dataHeadersStart,
              dataHeadersEnd - dataHeadersStart,
              StandardCharsets.ISO_8859_1);
      String type = "application/octet-stream";
      for (String line : dataHeaders.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
          type = line.substring("content-type:".length()).trim();
        }
      }
      return new Multipart(
          meta.getAsJsonObject(), type, Arrays.copyOfRange(body, dataHeadersEnd + 4, dataEnd));
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
      if (from < 0) {
        return -1;
      }
      outer:
      for (int i = from; i <= haystack.length - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}

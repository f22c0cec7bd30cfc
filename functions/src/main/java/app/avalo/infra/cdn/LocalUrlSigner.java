package app.avalo.infra.cdn;

import app.avalo.infra.platform.Sha256;
import com.google.auth.ServiceAccountSigner;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The local stand-in for the IAM signBlob API: an RSA key held in the process, derived from a seed
 * (the project id), so the dev server — which hosts the functions that sign — can check the V4
 * signed URLs they issue. It signs exactly as a Google service account does (RSA-SHA256 over the V4
 * string-to-sign built by google-cloud-storage); {@link #verify} rebuilds that string from the URL
 * the client sends, per Google's documented V4 signing process, and checks the signature with the
 * public key. Refused on Cloud Functions (CdnConfig): anyone who knows the seed can sign.
 */
public final class LocalUrlSigner implements ServiceAccountSigner {
  static final String ALGORITHM = "GOOG4-RSA-SHA256";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** How far in the future a signing time may be (clock skew between signer and server). */
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private final String account;
  private final KeyPair keys;

  public LocalUrlSigner(String projectId) {
    this.account = "local-url-signer@" + projectId + ".iam.gserviceaccount.com";
    try {
      SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
      seeded.setSeed(("avalo-local-url-signer:" + projectId).getBytes(StandardCharsets.UTF_8));
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, seeded);
      this.keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available in this JVM", e);
    }
  }

  @Override
  public String getAccount() {
    return account;
  }

  @Override
  public byte[] sign(byte[] toSign) {
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(keys.getPrivate());
      rsa.update(toSign);
      return rsa.sign();
    } catch (GeneralSecurityException e) {
      throw new SigningException("local signing failed", e);
    }
  }

  PublicKey publicKey() {
    return keys.getPublic();
  }

  /**
   * What a verified URL grants: the object it names (path after the storage root) and until when.
   */
  public record Grant(String bucket, String object, Instant expiresAt) {}

  /**
   * Checks a V4 signed URL as Cloud Storage would for a request with {@code method} and the given
   * request headers (lower-case names): algorithm and credential, the signature over the canonical
   * request, the signing time and expiry. {@code root} is the path prefix the storage is served
   * under ({@code /_local/storage}, empty for none): the URL was signed for {@code
   * /{bucket}/{object}} at the same host and the root put in front of it (see SignedUrls). Returns
   * the reason for refusal, or empty when the URL is valid at {@code now}.
   */
  public Optional<String> verify(
      String method, URI url, Map<String, String> headers, String root, Instant now) {
    String path = url.getRawPath();
    if (path == null || !path.startsWith(root + "/")) {
      return Optional.of("the URL is not under " + root + "/");
    }
    String signedPath = path.substring(root.length());
    Map<String, String> query = new TreeMap<>();
    String rawQuery = url.getRawQuery();
    if (rawQuery == null) {
      return Optional.of("the URL is not signed (no query)");
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (query.put(key, value) != null) {
        return Optional.of("query parameter " + key + " is repeated");
      }
    }
    if (!ALGORITHM.equals(query.get("X-Goog-Algorithm"))) {
      return Optional.of("X-Goog-Algorithm must be " + ALGORITHM);
    }
    String credential = query.getOrDefault("X-Goog-Credential", "");
    if (!credential.startsWith(account + "/")) {
      return Optional.of("X-Goog-Credential is not this signer's account");
    }
    String signature = query.remove("X-Goog-Signature");
    if (signature == null || !signature.matches("[0-9a-f]+")) {
      return Optional.of("X-Goog-Signature is missing or not hex");
    }
    Instant signedAt;
    long expires;
    try {
      signedAt = Instant.from(STAMP.parse(query.getOrDefault("X-Goog-Date", "")));
      expires = Long.parseLong(query.getOrDefault("X-Goog-Expires", ""));
    } catch (DateTimeParseException | NumberFormatException e) {
      return Optional.of("X-Goog-Date or X-Goog-Expires is malformed");
    }
    String scope = credential.substring(account.length() + 1);
    if (!scope.equals(STAMP.format(signedAt).substring(0, 8) + "/auto/storage/goog4_request")) {
      return Optional.of("the credential scope does not match X-Goog-Date");
    }
    if (expires < 1 || expires > 604_800) {
      return Optional.of("X-Goog-Expires must be 1..604800 seconds");
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    String signedHeaders = query.getOrDefault("X-Goog-SignedHeaders", "");
    for (String name : signedHeaders.split(";")) {
      String value = name.equals("host") ? hostOf(url) : headers.get(name);
      if (value == null) {
        return Optional.of("signed header " + name + " is missing from the request");
      }
      canonicalHeaders.append(name).append(':').append(value.trim()).append('\n');
    }
    StringBuilder canonicalQuery = new StringBuilder();
    query.forEach(
        (k, v) ->
            canonicalQuery
                .append(canonicalQuery.isEmpty() ? "" : "&")
                .append(encode(k))
                .append('=')
                .append(encode(v)));
    String canonicalRequest =
        method
            + "\n"
            + signedPath
            + "\n"
            + canonicalQuery
            + "\n"
            + canonicalHeaders
            + "\n"
            + signedHeaders
            + "\nUNSIGNED-PAYLOAD";
    String stringToSign =
        ALGORITHM
            + "\n"
            + query.get("X-Goog-Date")
            + "\n"
            + scope
            + "\n"
            + HexFormat.of().formatHex(Sha256.of(canonicalRequest));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(keys.getPublic());
      rsa.update(stringToSign.getBytes(StandardCharsets.UTF_8));
      if (!rsa.verify(HexFormat.of().parseHex(signature))) {
        return Optional.of("the signature does not match the request");
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.of("the signature cannot be checked");
    }
    if (signedAt.isAfter(now.plus(MAX_SKEW))) {
      return Optional.of("the URL was signed in the future");
    }
    if (!now.isBefore(signedAt.plusSeconds(expires))) {
      return Optional.of("the URL expired at " + signedAt.plusSeconds(expires));
    }
    return Optional.empty();
  }

  /** The bucket and object a verified URL under {@code root} names, or empty if it is not one. */
  public static Optional<Grant> grantOf(URI url, String root, Instant expiresAt) {
    String path = url.getRawPath();
    if (!path.startsWith(root + "/")) {
      return Optional.empty();
    }
    String rest = path.substring(root.length() + 1);
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(
        new Grant(decode(rest.substring(0, slash)), decode(rest.substring(slash + 1)), expiresAt));
  }

  private static String hostOf(URI url) {
    return url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** RFC 3986 percent-encoding: everything but unreserved characters, upper-case hex. */
  static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || "-_.~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}

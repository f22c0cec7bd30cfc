package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Log;
import com.google.auth.ServiceAccountSigner;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Short-lived Cloud Storage V4 signed URLs for private media, made by google-cloud-storage's {@code
 * signUrl}. The signature comes from a {@link ServiceAccountSigner}: in production the function's
 * own service account through the IAM Credentials {@code signBlob} API (what the default
 * credentials on Cloud Functions do; the account needs {@code iam.serviceAccounts.signBlob} on
 * itself), locally the {@link LocalUrlSigner}.
 *
 * <p>The URL is signed for {@code /{bucket}/{object}} at the host of {@code servedBase}; a path in
 * {@code servedBase} (the dev server's {@code /_local/storage}) is put in front of it afterwards,
 * and the dev server strips it again before checking (scheme and that path are not signed).
 */
final class SignedUrls {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private final Storage storage;
  private final Supplier<ServiceAccountSigner> signer;
  private final String servedBase;
  private final String signingHost;
  private final Duration ttl;

  /** A signed URL and the instant it stops working. */
  record Signed(String url, Instant expiresAt) {}

  SignedUrls(
      Storage storage, Supplier<ServiceAccountSigner> signer, String servedBase, Duration ttl) {
    this.storage = storage;
    this.signer = signer;
    this.servedBase = servedBase;
    URI base = URI.create(servedBase);
    this.signingHost = base.getScheme() + "://" + base.getRawAuthority();
    this.ttl = ttl;
  }

  Duration ttl() {
    return ttl;
  }

  /** A URL that reads {@code object} of {@code bucket} for {@link #ttl()}. */
  Signed read(String bucket, String object) {
    URL url;
    try {
      url =
          storage.signUrl(
              BlobInfo.newBuilder(bucket, object).build(),
              ttl.toSeconds(),
              TimeUnit.SECONDS,
              Storage.SignUrlOption.withV4Signature(),
              Storage.SignUrlOption.signWith(signer.get()),
              Storage.SignUrlOption.withHostName(signingHost));
    } catch (RuntimeException e) {
      // IAM refused signBlob (missing permission) or the credentials cannot sign: our failure.
      Log.error("signing a media URL failed", Map.of("bucket", bucket), e);
      throw ApiException.unavailable("private media URLs cannot be signed right now");
    }
    // The library writes https://; the scheme is not part of the signature, the served base's is
    // used.
    URI signed = URI.create(url.toString());
    return new Signed(
        servedBase + signed.getRawPath() + "?" + signed.getRawQuery(), expiry(signed));
  }

  /**
   * The expiry the URL itself carries: signing time (the Storage client's clock) plus its lifetime.
   */
  private static Instant expiry(URI url) {
    String date = null;
    long seconds = 0;
    for (String pair : url.getRawQuery().split("&")) {
      if (pair.startsWith("X-Goog-Date=")) {
        date = pair.substring("X-Goog-Date=".length());
      } else if (pair.startsWith("X-Goog-Expires=")) {
        seconds = Long.parseLong(pair.substring("X-Goog-Expires=".length()));
      }
    }
    return Instant.from(STAMP.parse(date)).plusSeconds(seconds);
  }
}

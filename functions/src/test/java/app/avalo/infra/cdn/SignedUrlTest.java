package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * V4 signed URLs made by google-cloud-storage's signUrl with the local signer, checked by
 * rebuilding Google's documented string-to-sign from the URL and verifying the RSA signature with
 * the public key (LocalUrlSigner.verify) — and every part that is signed really is: a changed
 * object, method, expiry, signing key or an expired URL is refused.
 */
class SignedUrlTest {
  private static final String PROJECT = "demo-signing";
  private final Storage storage = LocalStorageHelper.getOptions().getService();
  private final LocalUrlSigner signer = new LocalUrlSigner(PROJECT);

  private SignedUrls urls(String servedBase) {
    return new SignedUrls(storage, () -> signer, servedBase, Duration.ofMinutes(15));
  }

  @Test
  void aSignedUrlVerifiesWithThePublicKeyUntilItExpires() {
    Instant before = Instant.now().minusSeconds(1);
    SignedUrls.Signed signed =
        urls("https://storage.googleapis.com")
            .read("avalo-uploads", "private/voice/voc_1/voice message+1.ogg");
    URI url = URI.create(signed.url());

    assertEquals("storage.googleapis.com", url.getHost());
    assertEquals("/avalo-uploads/private/voice/voc_1/voice%20message%2B1.ogg", url.getRawPath());
    Map<String, String> query = LocalUrlSignerQuery.parse(url);
    assertEquals("GOOG4-RSA-SHA256", query.get("X-Goog-Algorithm"));
    assertEquals("900", query.get("X-Goog-Expires"));
    assertEquals("host", query.get("X-Goog-SignedHeaders"));
    // The expiry answered to clients is the one the URL carries (signing time + X-Goog-Expires).
    assertTrue(
        !signed.expiresAt().isBefore(before.plusSeconds(900))
            && !signed.expiresAt().isAfter(Instant.now().plusSeconds(900)),
        signed.expiresAt().toString());

    Instant now = Instant.now();
    assertEquals(Optional.empty(), signer.verify("GET", url, Map.of(), "", now));
    assertEquals(
        new LocalUrlSigner.Grant("avalo-uploads", "private/voice/voc_1/voice message+1.ogg", null),
        LocalUrlSigner.grantOf(url, "", null).orElseThrow());
    assertTrue(
        signer
            .verify("GET", url, Map.of(), "", now.plus(Duration.ofMinutes(16)))
            .orElseThrow()
            .contains("expired"));
    assertTrue(
        signer
            .verify("GET", url, Map.of(), "", now.minus(Duration.ofMinutes(10)))
            .orElseThrow()
            .contains("future"));
  }

  @Test
  void everySignedPartIsCovered() {
    URI url =
        URI.create(
            urls("https://storage.googleapis.com")
                .read("avalo-uploads", "private/images/img_1/full.jpg")
                .url());
    Instant now = Instant.now();
    String s = url.toString();
    assertRefused(
        signer, URI.create(s.replace("img_1/full.jpg", "img_2/full.jpg")), "GET", "another object");
    assertRefused(
        signer, URI.create(s.replace("/avalo-uploads/", "/avalo-media/")), "GET", "another bucket");
    assertRefused(
        signer,
        URI.create(s.replace("X-Goog-Expires=900", "X-Goog-Expires=604800")),
        "GET",
        "a longer expiry");
    assertRefused(
        signer,
        URI.create(s.replace("storage.googleapis.com", "evil.example")),
        "GET",
        "another host");
    assertRefused(signer, url, "PUT", "another method");
    String signature = LocalUrlSignerQuery.parse(url).get("X-Goog-Signature");
    String flipped = (signature.charAt(10) == '0' ? "1" : "0");
    assertRefused(
        signer,
        URI.create(
            s.replace(signature, signature.substring(0, 10) + flipped + signature.substring(11))),
        "GET",
        "a changed signature");
    // Another key (another project's local signer) does not accept it.
    assertTrue(new LocalUrlSigner("demo-other").verify("GET", url, Map.of(), "", now).isPresent());
  }

  @Test
  void theLocalSignerIsDeterministicAndSignsLikeRsaSha256() throws Exception {
    byte[] message =
        "GOOG4-RSA-SHA256\n20261201T000000Z\nscope\nhash".getBytes(StandardCharsets.UTF_8);
    LocalUrlSigner again = new LocalUrlSigner(PROJECT);
    assertArrayEquals(
        signer.sign(message), again.sign(message), "the same project gives the same key");
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(again.publicKey());
    rsa.update(message);
    assertTrue(rsa.verify(signer.sign(message)));
  }

  @Test
  void aServedBaseWithAPathIsPutInFrontOfTheSignedPath() {
    URI url =
        URI.create(
            urls("http://127.0.0.1:8123/_local/storage")
                .read("demo-uploads", "private/voice/v/voice.ogg")
                .url());
    assertEquals("http", url.getScheme());
    assertEquals("/_local/storage/demo-uploads/private/voice/v/voice.ogg", url.getRawPath());
    assertEquals(
        Optional.empty(), signer.verify("GET", url, Map.of(), "/_local/storage", Instant.now()));
    assertTrue(
        signer.verify("GET", url, Map.of(), "", Instant.now()).isPresent(),
        "the root is not part of the signature");
    assertEquals(
        "private/voice/v/voice.ogg",
        LocalUrlSigner.grantOf(url, "/_local/storage", null).orElseThrow().object());
  }

  private static void assertRefused(LocalUrlSigner signer, URI url, String method, String what) {
    assertTrue(
        signer.verify(method, url, Map.of(), "", Instant.now()).isPresent(),
        what + " must be refused");
  }

  /** The query of a URL as a map (test-side, independent of the verifier's parsing). */
  static final class LocalUrlSignerQuery {
    static Map<String, String> parse(URI url) {
      Map<String, String> out = new HashMap<>();
      for (String pair : url.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        out.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
      }
      return out;
    }
  }
}

package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.MutableClock;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token verification as it runs in production (no Auth emulator): the Admin SDK's own verifier
 * fetches Google's public signing certificates over HTTP and checks signature, algorithm, issuer,
 * audience and expiry. The certificates come from a loopback server that answers the SDK's real
 * request for {@value #KEYS_URL} in Google's published format (a JSON object of PEM X.509
 * certificates keyed by {@code kid}, with {@code Cache-Control: max-age}); the tokens are signed
 * with local RSA keys. Only the SDK's HTTP connection factory is pointed at loopback; the verifier
 * is built by the same {@link FirebaseTokenVerifier#create} production uses.
 */
class FirebaseTokenVerifierProductionTest {
  static final String KEYS_URL =
      "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";
  private static final String PROJECT = "avalo-prod-test";
  private static final String EMULATOR_VARIABLE = "FIREBASE_AUTH_EMULATOR_HOST";

  private static HttpServer keyServer;
  private static final AtomicInteger keyFetches = new AtomicInteger();
  private static final List<String> unexpectedRequests = new ArrayList<>();

  /** What the key server answers: kid → PEM certificate, and the max-age it sends. */
  private static volatile Map<String, String> servedCertificates = Map.of();

  private static volatile int maxAgeSeconds = 3600;

  private static boolean emulatorMode;
  private static SigningKey key1;
  private static SigningKey key2;

  private record SigningKey(PrivateKey privateKey, X509Certificate certificate) {}

  private MutableClock clock;
  private FirebaseTokenVerifier verifier;
  private FirebaseAuth sdk;

  @BeforeAll
  static void startKeyServer(@TempDir Path dir) throws Exception {
    // With the Auth emulator's host in the environment the SDK runs in emulator mode (unsigned
    // tokens accepted) and no override can switch that off, so this class runs in a surefire
    // execution of its own without the variable (functions/pom.xml).
    String emulator = System.getenv(EMULATOR_VARIABLE);
    emulatorMode = emulator != null && !emulator.isEmpty();
    assertFalse(
        emulatorMode && Boolean.getBoolean("avalo.production.tokens"),
        EMULATOR_VARIABLE
            + " is set in the production-token-verification execution: its"
            + " excludedEnvironmentVariables did not apply");
    key1 = generateKey(dir, "k1");
    key2 = generateKey(dir, "k2");
    keyServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    keyServer.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (!exchange.getRequestMethod().equals("GET")
              || !path.equals(URI.create(KEYS_URL).getPath())) {
            synchronized (unexpectedRequests) {
              unexpectedRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            }
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          keyFetches.incrementAndGet();
          JsonObject body = new JsonObject();
          servedCertificates.forEach(body::addProperty);
          byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
          exchange
              .getResponseHeaders()
              .add(
                  "Cache-Control",
                  "public, max-age=" + maxAgeSeconds + ", must-revalidate, no-transform");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    keyServer.start();
  }

  @AfterAll
  static void stopKeyServer() {
    if (keyServer != null) {
      keyServer.stop(0);
    }
  }

  @BeforeEach
  void newVerifier() {
    // Reported skipped, with the reason, where a -Dtest run also picks this class for the default
    // execution; the production-token-verification execution runs it.
    Assumptions.assumeFalse(
        emulatorMode,
        EMULATOR_VARIABLE
            + " is set in this JVM (emulator mode); this class"
            + " runs in surefire execution production-token-verification, which removes it");
    servedCertificates = Map.of("k1", pem(key1.certificate()));
    maxAgeSeconds = 3600;
    keyFetches.set(0);
    clock = new MutableClock(Instant.now());
    // Every request the SDK makes goes to the loopback server, keeping its path: the key URL is
    // served there, anything else is recorded as unexpected and answered 404.
    NetHttpTransport transport =
        new NetHttpTransport.Builder()
            .setConnectionFactory(
                url -> {
                  URI local =
                      URI.create(
                          "http://127.0.0.1:" + keyServer.getAddress().getPort() + url.getPath());
                  return (HttpURLConnection) local.toURL().openConnection();
                })
            .build();
    FirebaseOptions options =
        FirebaseOptions.builder()
            .setProjectId(PROJECT)
            .setCredentials(GoogleCredentials.create(new AccessToken("unused", null)))
            .setHttpTransport(transport)
            .build();
    verifier = FirebaseTokenVerifier.create(options, clock);
    sdk = FirebaseAuth.getInstance(FirebaseApp.initializeApp(options, "sdk-" + UUID.randomUUID()));
  }

  /**
   * The Admin SDK's own verdict on a token, for failure messages (the verifier maps every refusal
   * to one 401).
   */
  private String sdkVerdict(String token) {
    try {
      sdk.verifyIdToken(token);
      return "the SDK accepts it";
    } catch (FirebaseAuthException | RuntimeException e) {
      return "the SDK refuses it: " + e.getMessage();
    }
  }

  // ---- tokens ----

  private static Map<String, Object> claims(String uid, boolean admin) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", "https://securetoken.google.com/" + PROJECT);
    c.put("aud", PROJECT);
    c.put("auth_time", now - 60);
    c.put("user_id", uid);
    c.put("sub", uid);
    c.put("iat", now - 60);
    c.put("exp", now + 3540);
    c.put("email", uid + "@example.com");
    if (admin) {
      c.put("admin", true);
    }
    return c;
  }

  private static String signed(SigningKey key, String kid, Map<String, Object> claims)
      throws Exception {
    String signingInput =
        part(Map.of("alg", "RS256", "kid", kid, "typ", "JWT")) + "." + part(claims);
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key.privateKey());
    rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
  }

  private static String part(Map<String, Object> json) {
    String text = Json.GSON.toJson(json);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private void assertRefused(String token, String why) {
    ApiException e =
        assertThrows(ApiException.class, () -> verifier.verify(token), why + " was accepted");
    assertEquals(Status.UNAUTHENTICATED, e.status(), why);
  }

  private Caller assertAccepted(String token) {
    try {
      return verifier.verify(token);
    } catch (ApiException e) {
      throw new AssertionError("refused (" + e.getMessage() + "); " + sdkVerdict(token), e);
    }
  }

  // ---- tests ----

  @Test
  void aTokenSignedByAPublishedKeyPasses() throws Exception {
    Caller caller = assertAccepted(signed(key1, "k1", claims("user-1", true)));
    assertEquals(new Caller("user-1", "user-1@example.com", true), caller);
    assertEquals(1, keyFetches.get(), "the SDK fetched the published keys once");
    Caller plain = assertAccepted(signed(key1, "k1", claims("user-2", false)));
    assertEquals(new Caller("user-2", "user-2@example.com", false), plain);
    assertEquals(1, keyFetches.get(), "keys are reused for their max-age");
    assertTrue(unexpectedRequests.isEmpty(), "the SDK made other requests: " + unexpectedRequests);
  }

  @Test
  void anUnsignedAdminTokenIsRefused() throws Exception {
    Map<String, Object> claims = claims("intruder", true);
    String none = part(Map.of("alg", "none", "typ", "JWT")) + "." + part(claims) + ".";
    assertRefused(none, "alg: none with admin: true");
    String noneWithKid =
        part(Map.of("alg", "none", "kid", "k1", "typ", "JWT")) + "." + part(claims) + ".";
    assertRefused(noneWithKid, "alg: none naming a published kid");
    // RS256 claimed, but the signature is not the published key's.
    assertRefused(signed(key2, "k1", claims), "signed by an unpublished key under a published kid");
    String valid = signed(key1, "k1", claims("user-1", false));
    String tampered =
        valid.substring(0, valid.indexOf('.') + 1)
            + part(claims)
            + valid.substring(valid.lastIndexOf('.'));
    assertRefused(tampered, "a valid signature over other claims (admin: true swapped in)");
  }

  @Test
  void wrongAudienceIssuerExpiryOrKeyIsRefused() throws Exception {
    Map<String, Object> aud = claims("user-1", false);
    aud.put("aud", "other-project");
    assertRefused(signed(key1, "k1", aud), "aud of another project");
    Map<String, Object> iss = claims("user-1", false);
    iss.put("iss", "https://securetoken.google.com/other-project");
    assertRefused(signed(key1, "k1", iss), "iss of another project");
    Map<String, Object> expired = claims("user-1", false);
    long now = Instant.now().getEpochSecond();
    expired.put("iat", now - 7200);
    expired.put("auth_time", now - 7200);
    expired.put("exp", now - 3600);
    assertRefused(signed(key1, "k1", expired), "expired an hour ago");
    assertRefused(
        signed(key2, "k2", claims("user-1", false)), "signed by a kid that is not published");
    Map<String, Object> noSubject = claims("user-1", false);
    noSubject.put("sub", "");
    assertRefused(signed(key1, "k1", noSubject), "an empty sub");
    // The same claims signed by the published key pass: each refusal above is for its one change.
    assertEquals("user-1", assertAccepted(signed(key1, "k1", claims("user-1", false))).uid());
  }

  @Test
  void aVerifiedTokenIsReusedUntilItsEntryExpires() throws Exception {
    maxAgeSeconds = 0; // the SDK refetches keys on every verification, so a fetch shows one
    String token = signed(key1, "k1", claims("user-1", true));
    assertEquals("user-1", assertAccepted(token).uid());
    assertEquals(1, keyFetches.get());
    assertEquals("user-1", assertAccepted(token).uid());
    assertEquals(
        1,
        keyFetches.get(),
        "the second verification of the same token was not served from the cache");
    // A different token is verified (and with max-age 0 that fetches the keys): the count can move.
    assertAccepted(signed(key1, "k1", claims("user-2", false)));
    assertEquals(2, keyFetches.get(), "another token must be verified afresh");

    // Past the reuse limit the token is verified again. The key set has rotated meanwhile (k1 no
    // longer published), so a fresh verification refuses it: a cached answer would have passed.
    clock.advance(FirebaseTokenVerifier.MAX_REUSE.plusSeconds(1));
    servedCertificates = Map.of("k2", pem(key2.certificate()));
    assertRefused(
        token, "a token whose cache entry is older than MAX_REUSE, after its key was withdrawn");
    assertEquals(3, keyFetches.get());
  }

  @Test
  void aCachedTokenIsNotServedPastItsExpiry() throws Exception {
    maxAgeSeconds = 0;
    Map<String, Object> shortLived = claims("user-1", false);
    long now = Instant.now().getEpochSecond();
    shortLived.put("exp", now + 90); // expires before MAX_REUSE ends
    String token = signed(key1, "k1", shortLived);
    assertEquals("user-1", assertAccepted(token).uid());
    assertEquals(1, keyFetches.get());
    clock.advance(Duration.ofSeconds(60));
    assertEquals("user-1", assertAccepted(token).uid());
    assertEquals(1, keyFetches.get(), "before exp the cached answer is used");
    // Our clock passes exp (the SDK's clock is the real one, so it is the key withdrawal that
    // makes a fresh verification fail): the expired entry must not be served.
    clock.advance(Duration.ofSeconds(31));
    servedCertificates = Map.of("k2", pem(key2.certificate()));
    assertRefused(token, "a cached token after its exp");
    assertEquals(2, keyFetches.get(), "the expired entry was not re-verified");
  }

  // ---- keys ----

  /** A 2048-bit RSA key with a self-signed certificate, made by the JDK's keytool. */
  private static SigningKey generateKey(Path dir, String alias) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-sigalg",
                "SHA256withRSA",
                "-dname",
                "CN=securetoken-test-" + alias,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(alias + ".log").toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool did not finish within 60 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "keytool failed ("
              + p.exitValue()
              + "): "
              + Files.readString(dir.resolve(alias + ".log")));
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    return new SigningKey(
        (PrivateKey) ks.getKey(alias, "changeit".toCharArray()),
        (X509Certificate) ks.getCertificate(alias));
  }

  private static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}

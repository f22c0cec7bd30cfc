package app.avalo.infra.platform;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.firebase.auth.FirebaseToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Verifies ID tokens with the Firebase Admin SDK (signature, issuer, audience, expiry). With {@code
 * FIREBASE_AUTH_EMULATOR_HOST} set the SDK accepts the Auth emulator's unsigned tokens, which is
 * why {@link AppConfig} refuses that variable on Cloud Functions.
 *
 * <p>A verified token is remembered (by its SHA-256) until it expires, at most {@link #MAX_REUSE}:
 * apps send the same token on every call for up to an hour, and re-verifying it each time is pure
 * cost (a signature check in production; in emulator mode the SDK also looks the user up over HTTP
 * on every call). Revocation is not checked per call either way, so reuse changes no security
 * property; a changed custom claim needs a new token, as always.
 */
final class FirebaseTokenVerifier implements TokenVerifier {
  static final Duration MAX_REUSE = Duration.ofMinutes(5);

  private record Verified(Caller caller, Instant usableUntil) {}

  private final FirebaseAuth auth;
  private final Clock clock;
  private final Cache<String, Verified> verified =
      CacheBuilder.newBuilder().maximumSize(50_000).expireAfterWrite(MAX_REUSE).build();

  FirebaseTokenVerifier(FirebaseAuth auth, Clock clock) {
    this.auth = auth;
    this.clock = clock;
  }

  /**
   * A verifier over a Firebase app of its own built from {@code options} (a named app per call:
   * tests and the dev server may hold several in one JVM). Production passes the project and
   * credentials; a test also passes an HTTP transport that serves the public keys from loopback.
   */
  static FirebaseTokenVerifier create(FirebaseOptions options, Clock clock) {
    FirebaseApp firebase = FirebaseApp.initializeApp(options, "avalo-" + UUID.randomUUID());
    return new FirebaseTokenVerifier(FirebaseAuth.getInstance(firebase), clock);
  }

  @Override
  public Caller verify(String idToken) {
    String key = Sha256.hex(idToken);
    Instant now = clock.instant();
    Verified known = verified.getIfPresent(key);
    if (known != null && now.isBefore(known.usableUntil())) {
      return known.caller();
    }
    try {
      FirebaseToken token = auth.verifyIdToken(idToken);
      boolean admin = Boolean.TRUE.equals(token.getClaims().get("admin"));
      Caller caller = new Caller(token.getUid(), token.getEmail(), admin);
      Instant until = now.plus(MAX_REUSE);
      if (token.getClaims().get("exp") instanceof Number exp
          && Instant.ofEpochSecond(exp.longValue()).isBefore(until)) {
        until = Instant.ofEpochSecond(exp.longValue());
      }
      verified.put(key, new Verified(caller, until));
      return caller;
    } catch (FirebaseAuthException | IllegalArgumentException e) {
      throw ApiException.unauthenticated("the ID token is invalid or expired");
    }
  }
}

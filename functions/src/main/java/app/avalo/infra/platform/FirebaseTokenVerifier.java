package app.avalo.infra.platform;

import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.firebase.auth.FirebaseToken;

/**
 * Verifies ID tokens with the Firebase Admin SDK (signature, issuer, audience, expiry). With
 * {@code FIREBASE_AUTH_EMULATOR_HOST} set the SDK accepts the Auth emulator's unsigned tokens,
 * which is why {@link AppConfig} refuses that variable on Cloud Functions.
 */
final class FirebaseTokenVerifier implements TokenVerifier {
  private final FirebaseAuth auth;

  FirebaseTokenVerifier(FirebaseAuth auth) {
    this.auth = auth;
  }

  @Override
  public Caller verify(String idToken) {
    try {
      FirebaseToken token = auth.verifyIdToken(idToken);
      boolean admin = Boolean.TRUE.equals(token.getClaims().get("admin"));
      return new Caller(token.getUid(), token.getEmail(), admin);
    } catch (FirebaseAuthException | IllegalArgumentException e) {
      throw ApiException.unauthenticated("the ID token is invalid or expired");
    }
  }
}

package app.avalo.infra.platform;

/** Turns a Firebase ID token into a {@link Caller}, or throws UNAUTHENTICATED. */
public interface TokenVerifier {
  Caller verify(String idToken);
}

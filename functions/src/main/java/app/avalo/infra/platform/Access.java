package app.avalo.infra.platform;

/** Who may call a function; declared per function in the catalog only. */
public enum Access {
  /** Anyone, no token needed (a token, if sent, must still be valid). */
  PUBLIC,
  /** A signed-in Firebase user. */
  USER,
  /** A signed-in user with the custom claim {@code admin: true}. */
  ADMIN,
  /** Other backends and Cloud Scheduler; Cloud Run IAM checks their OIDC token before we run. */
  PRIVATE
}

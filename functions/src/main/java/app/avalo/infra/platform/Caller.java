package app.avalo.infra.platform;

/**
 * Who made a request. For callable functions, a verified Firebase user (or nobody on public ones);
 * for private functions, the backend or scheduler that Cloud Run IAM already let in.
 */
// Identity, not equality, tells SERVICE apart: a Firebase user may have the uid "service".
@SuppressWarnings("ReferenceEquality")
public record Caller(String uid, String email, boolean admin) {
  public static final Caller ANONYMOUS = new Caller(null, null, false);

  /** Private functions: IAM verified the caller before the request reached us. */
  public static final Caller SERVICE = new Caller("service", null, false);

  public boolean signedIn() {
    return uid != null && this != SERVICE;
  }

  /** The signed-in user's uid; UNAUTHENTICATED if nobody is signed in. */
  public String requireUid() {
    if (!signedIn()) {
      throw ApiException.unauthenticated("sign in first");
    }
    return uid;
  }

  /** A label for audit records and logs. */
  public String label() {
    if (this == SERVICE) {
      return "service";
    }
    return uid == null ? "anonymous" : (email == null ? uid : uid + " <" + email + ">");
  }
}

package app.avalo.infra.deploy;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.firebase.auth.UserRecord;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code bin/grant-admin PROJECT EMAIL}: sets the {@code admin: true} custom claim (what {@code
 * FirebaseTokenVerifier} checks for admin functions) on an existing user through the Admin SDK,
 * keeping the user's other claims. Uses application default credentials, or the Auth emulator when
 * {@code FIREBASE_AUTH_EMULATOR_HOST} is set.
 */
public final class GrantAdmin {
  private GrantAdmin() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[1].contains("@")) {
      System.err.println("usage: bin/grant-admin PROJECT EMAIL");
      System.exit(2);
    }
    FirebaseOptions.Builder options = FirebaseOptions.builder().setProjectId(args[0]);
    options.setCredentials(
        System.getenv("FIREBASE_AUTH_EMULATOR_HOST") != null
            ? GoogleCredentials.create(null)
            : GoogleCredentials.getApplicationDefault());
    FirebaseApp app = FirebaseApp.initializeApp(options.build(), "grant-admin");
    try {
      String uid = grant(FirebaseAuth.getInstance(app), args[1]);
      System.err.println(
          args[1]
              + " ("
              + uid
              + ") is an admin of "
              + args[0]
              + "; the claim is in the user's next ID token (sign out and in, or wait for the"
              + " hourly refresh).");
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage() + " in project " + args[0]);
      System.exit(1);
    } finally {
      app.delete();
    }
  }

  /** Adds {@code admin: true} to the user's custom claims, keeping the others; answers the uid. */
  static String grant(FirebaseAuth auth, String email) throws FirebaseAuthException {
    UserRecord user;
    try {
      user = auth.getUserByEmail(email);
    } catch (FirebaseAuthException e) {
      throw new IllegalArgumentException(
          "no user " + email + " (sign in once so the account exists): " + e.getMessage(), e);
    }
    Map<String, Object> claims = new HashMap<>(user.getCustomClaims());
    claims.put("admin", true);
    auth.setCustomUserClaims(user.getUid(), claims);
    return user.getUid();
  }
}

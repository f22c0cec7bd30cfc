package app.avalo.infra.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.UserRecord;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/grant-admin}'s Admin SDK calls against the Auth emulator that {@code bin/test} starts.
 */
class GrantAdminTest {
  private static FirebaseApp app;
  private static FirebaseAuth auth;

  @BeforeAll
  static void emulator() {
    String host = System.getenv("FIREBASE_AUTH_EMULATOR_HOST");
    assertNotNull(
        host,
        "FIREBASE_AUTH_EMULATOR_HOST is not set: run the tests with bin/test, which starts the Auth"
            + " emulator");
    String project = System.getenv().getOrDefault("GOOGLE_CLOUD_PROJECT", "demo-avalo");
    app =
        FirebaseApp.initializeApp(
            FirebaseOptions.builder()
                .setProjectId(project)
                .setCredentials(GoogleCredentials.create(null))
                .build(),
            "grant-admin-test");
    auth = FirebaseAuth.getInstance(app);
  }

  @AfterAll
  static void close() {
    app.delete();
  }

  @Test
  void grantsTheAdminClaimAndKeepsTheUsersOtherClaims() throws Exception {
    String email = "ops-" + UUID.randomUUID() + "@example.com";
    UserRecord user =
        auth.createUser(new UserRecord.CreateRequest().setEmail(email).setPassword("secret-123"));
    auth.setCustomUserClaims(user.getUid(), Map.of("tier", "gold"));

    assertEquals(user.getUid(), GrantAdmin.grant(auth, email));

    Map<String, Object> claims = auth.getUser(user.getUid()).getCustomClaims();
    assertEquals(true, claims.get("admin"));
    assertEquals("gold", claims.get("tier"));
    assertEquals(user.getUid(), GrantAdmin.grant(auth, email), "granting twice is harmless");
  }

  @Test
  void anUnknownEmailIsRefusedWithTheReason() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GrantAdmin.grant(auth, "nobody-" + UUID.randomUUID() + "@example.com"));
    assertTrue(e.getMessage().startsWith("no user nobody-"), e.getMessage());
  }
}

package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {
  private static AppConfig read(Map<String, String> env) {
    ConfigReader reader = new ConfigReader(env);
    AppConfig config = AppConfig.read(reader, env);
    reader.throwIfInvalid();
    return config;
  }

  @Test
  void everyProblemIsListedInOneError() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                read(
                    Map.of(
                        "K_SERVICE", "getRouting",
                        "FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080",
                        "FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099",
                        "CORS_ALLOWED_ORIGINS", "https://ok.example, not a url")));
    String m = e.getMessage();
    assertTrue(m.startsWith("Invalid configuration (4 problems)"), m);
    assertTrue(m.contains("GOOGLE_CLOUD_PROJECT is missing"), m);
    assertTrue(m.contains("FIRESTORE_EMULATOR_HOST is set on Cloud Functions"), m);
    assertTrue(m.contains("FIREBASE_AUTH_EMULATOR_HOST is set on Cloud Functions"), m);
    assertTrue(m.contains("invalid origin 'not a url'"), m);
  }

  @Test
  void emulatorsOnCloudFunctionsNeedTheExplicitOverride() {
    AppConfig config =
        read(
            Map.of(
                "K_SERVICE",
                "x",
                "GOOGLE_CLOUD_PROJECT",
                "p",
                "FIRESTORE_EMULATOR_HOST",
                "127.0.0.1:1",
                AppConfig.ALLOW_EMULATORS,
                "true"));
    assertTrue(config.usesEmulators());
  }

  @Test
  void productionCorsDefaultsToTheHostingDomains() {
    AppConfig config = read(Map.of("K_SERVICE", "x", "GOOGLE_CLOUD_PROJECT", "avalo-prod"));
    assertEquals(
        List.of("https://avalo-prod.web.app", "https://avalo-prod.firebaseapp.com"),
        config.corsAllowedOrigins());
    AppConfig local = read(Map.of("GCLOUD_PROJECT", "demo-x"));
    assertEquals("demo-x", local.projectId());
    assertTrue(ApiFunction.Cors.matches(local.corsAllowedOrigins(), "http://localhost:5173"));
    assertTrue(!ApiFunction.Cors.matches(local.corsAllowedOrigins(), "http://localhost.evil.com"));
    assertTrue(!ApiFunction.Cors.matches(local.corsAllowedOrigins(), "https://evil.example"));
  }
}

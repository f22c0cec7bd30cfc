package app.avalo.infra.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Platform configuration, read once at cold start.
 *
 * <p>Emulator hosts are refused on Cloud Functions ({@code K_SERVICE} set) unless {@code
 * AVALO_ALLOW_EMULATORS_IN_PRODUCTION=true}: the Admin SDK in Auth-emulator mode accepts unsigned
 * tokens, which would let anyone in.
 */
public record AppConfig(
    String projectId,
    String region,
    boolean onCloudFunctions,
    String firestoreEmulatorHost,
    String authEmulatorHost,
    List<String> corsAllowedOrigins,
    Duration alertRepeatInterval,
    Map<String, String> env) {

  public static final String ALLOW_EMULATORS = "AVALO_ALLOW_EMULATORS_IN_PRODUCTION";

  public boolean usesEmulators() {
    return firestoreEmulatorHost != null || authEmulatorHost != null;
  }

  /**
   * Reads the platform's variables into {@code reader}; the caller calls {@code throwIfInvalid}.
   */
  public static AppConfig read(ConfigReader reader, Map<String, String> env) {
    String project = reader.raw("GOOGLE_CLOUD_PROJECT");
    if (project == null) {
      project = reader.raw("GCLOUD_PROJECT");
    }
    if (project == null) {
      reader.problem(
          "GOOGLE_CLOUD_PROJECT is missing (the Firebase/GCP project id; GCLOUD_PROJECT is accepted"
              + " too)");
      project = "";
    }
    boolean onCloud = reader.isSet("K_SERVICE");
    String firestoreEmulator = reader.raw("FIRESTORE_EMULATOR_HOST");
    String authEmulator = reader.raw("FIREBASE_AUTH_EMULATOR_HOST");
    if (onCloud && !reader.bool(ALLOW_EMULATORS, false)) {
      if (firestoreEmulator != null) {
        reader.problem(
            "FIRESTORE_EMULATOR_HOST is set on Cloud Functions (K_SERVICE is set); unset it or set "
                + ALLOW_EMULATORS
                + "=true");
      }
      if (authEmulator != null) {
        reader.problem(
            "FIREBASE_AUTH_EMULATOR_HOST is set on Cloud Functions (K_SERVICE is set): the token"
                + " verifier would accept unsigned tokens; unset it or set "
                + ALLOW_EMULATORS
                + "=true");
      }
    }
    List<String> defaultOrigins =
        onCloud
            ? List.of("https://" + project + ".web.app", "https://" + project + ".firebaseapp.com")
            : List.of("http://localhost:*", "http://127.0.0.1:*");
    List<String> origins = reader.list("CORS_ALLOWED_ORIGINS", defaultOrigins);
    for (String origin : origins) {
      if (!origin.equals("*") && !origin.matches("https?://[A-Za-z0-9.\\-]+(:(\\d{1,5}|\\*))?")) {
        reader.problem(
            "CORS_ALLOWED_ORIGINS has an invalid origin '"
                + origin
                + "' (expected scheme://host[:port|:*])");
      }
    }
    return new AppConfig(
        project,
        reader.optional("FUNCTION_REGION", "europe-west10"),
        onCloud,
        firestoreEmulator,
        authEmulator,
        origins,
        Duration.ofMinutes(
            reader.longValue(
                "ALERT_REPEAT_INTERVAL_MINUTES",
                Alerts.DEFAULT_REPEAT_INTERVAL.toMinutes(),
                1,
                7 * 24 * 60)),
        Map.copyOf(env));
  }
}

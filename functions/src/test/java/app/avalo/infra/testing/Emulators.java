package app.avalo.infra.testing;

import static org.junit.jupiter.api.Assertions.fail;

import app.avalo.infra.platform.Platform;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The emulators the tests run against. {@code bin/test} starts them and exports their hosts; a test
 * run without them fails loudly instead of skipping.
 */
public final class Emulators {
  private Emulators() {}

  public static String firestoreHost() {
    return require("FIRESTORE_EMULATOR_HOST");
  }

  public static String authHost() {
    return require("FIREBASE_AUTH_EMULATOR_HOST");
  }

  /**
   * How many document writes the Firestore emulator has committed so far (all projects). Needs the
   * project's own emulator (bin/test starts it); against any other emulator the test fails loudly.
   */
  public static long firestoreWriteCount() {
    String stats = System.getenv("AVALO_FIRESTORE_EMULATOR_STATS");
    if (stats == null || stats.isBlank()) {
      fail(
          "AVALO_FIRESTORE_EMULATOR_STATS is not set: write counting needs the emulator bin/test"
              + " starts (localstack/emulators), not an external one");
    }
    try {
      var response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + stats + "/stats")).build(),
                  HttpResponse.BodyHandlers.ofString());
      return JsonParser.parseString(response.body()).getAsJsonObject().get("writes").getAsLong();
    } catch (IOException e) {
      throw new IllegalStateException("emulator stats unreachable at " + stats, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The project the Auth emulator serves (tokens are minted for it). */
  public static String projectId() {
    String p = System.getenv("GOOGLE_CLOUD_PROJECT");
    return p == null ? "demo-avalo" : p;
  }

  private static String require(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      fail(
          name
              + " is not set: these tests need the emulators. Run them with bin/test, which starts"
              + " them.");
    }
    return value;
  }

  /**
   * A Firestore client on a project of its own, so a test class sees only its own data. (The
   * emulator keeps projects apart; Firestore data never leaks between them.)
   */
  public static Firestore isolatedFirestore() {
    return firestore(firestoreHost(), "demo-test-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * A Firestore client for {@code projectId} on the emulator at {@code host} (e.g. through a {@link
   * TcpProxy}).
   */
  @SuppressWarnings("JavaUtilDate") // AccessToken takes a java.util.Date
  public static Firestore firestore(String host, String projectId) {
    return FirestoreOptions.newBuilder()
        .setProjectId(projectId)
        .setEmulatorHost(host)
        .setCredentials(
            GoogleCredentials.create(new AccessToken("owner", new Date(Long.MAX_VALUE))))
        .build()
        .getService();
  }

  /** The environment an {@link Platform} reads, pointing at the emulators. */
  public static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("GOOGLE_CLOUD_PROJECT", projectId());
    env.put("FIRESTORE_EMULATOR_HOST", firestoreHost());
    env.put("FIREBASE_AUTH_EMULATOR_HOST", authHost());
    return env;
  }

  /**
   * An Platform on the emulators with its own Firestore project, the given clock and extra env
   * vars.
   */
  public static Platform app(Firestore firestore, Clock clock, Map<String, String> extraEnv) {
    Map<String, String> env = env();
    env.putAll(extraEnv);
    return Platform.builder(env).firestore(firestore).clock(clock).build();
  }
}

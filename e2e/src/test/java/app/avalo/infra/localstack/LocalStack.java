package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.fail;

import app.avalo.infra.testing.Emulators;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** One dev server per test JVM, on the emulators bin/test started, stopped when the JVM exits. */
final class LocalStack {
  private static DevServer server;

  private LocalStack() {}

  static Path repoRoot() {
    String root = System.getProperty("avalo.repo.root");
    Path path = Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path.resolve("catalog.json"))) {
      fail("cannot find the repo root (catalog.json) at " + path + "; run the tests with bin/test");
    }
    return path;
  }

  static synchronized DevServer server() {
    if (server == null) {
      Emulators.firestoreHost(); // fails loudly without the emulators
      try {
        Map<String, String> env = new HashMap<>(System.getenv());
        // Health-check rounds back to back: a job run in a test takes milliseconds, not a minute.
        env.put("ROUTING_HEALTH_INTERVAL_MS", "0");
        server = DevServer.start(new DevServer.Options(0, repoRoot(), false, false, env, null));
      } catch (Exception e) {
        throw new IllegalStateException("dev server failed to start", e);
      }
      DevServer started = server;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (Exception ignored) {
                      // JVM is exiting
                    }
                  }));
    }
    return server;
  }

  /** A raw answer. */
  record Exchange(int status, String body) {}

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * Sends a raw request to the dev server (method, path, content type, body and token may be odd on
   * purpose).
   */
  static Exchange send(String method, String path, String contentType, String body, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server().baseUrl() + path));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Exchange(r.statusCode(), r.body());
  }

  static DevClient client() {
    return new DevClient(server().baseUrl());
  }
}

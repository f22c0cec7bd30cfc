package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.fail;

import app.avalo.infra.testing.Emulators;
import java.nio.file.Files;
import java.nio.file.Path;

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
        server = DevServer.start(DevServer.Options.forTests(repoRoot()));
      } catch (Exception e) {
        throw new IllegalStateException("dev server failed to start", e);
      }
      DevServer started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (Exception ignored) {
          // JVM is exiting
        }
      }));
    }
    return server;
  }

  static DevClient client() {
    return new DevClient(server().baseUrl());
  }
}

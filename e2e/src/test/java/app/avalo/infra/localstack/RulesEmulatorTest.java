package app.avalo.infra.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * What {@code firestore.rules} allows and denies, with {@code @firebase/rules-unit-testing} ({@code
 * e2e/rules-tests/firestore-rules.test.mjs}). Only Google's Firestore emulator evaluates security
 * rules and it cannot be downloaded here, so the tests run when {@code
 * FIRESTORE_RULES_EMULATOR_HOST} (host:port of such an emulator) is set and are reported as
 * skipped, with that reason, otherwise. {@code storage.rules} the same way with {@code
 * STORAGE_RULES_EMULATOR_HOST} (Google's Storage emulator, whose rules runtime is a download too).
 */
class RulesEmulatorTest {
  @TestFactory
  Stream<DynamicTest> firestoreRulesOnGooglesEmulator() throws Exception {
    Path root = LocalStack.repoRoot();
    Map<String, String> env = new HashMap<>();
    String host = System.getenv("FIRESTORE_RULES_EMULATOR_HOST");
    if (host != null) {
      env.put("FIRESTORE_RULES_EMULATOR_HOST", host);
    }
    return NodeTestRun.run(
        root, root.resolve("e2e/rules-tests/firestore-rules.test.mjs"), env, Duration.ofMinutes(5));
  }

  /**
   * {@code storage.rules} likewise, on Google's Storage emulator at {@code
   * STORAGE_RULES_EMULATOR_HOST}.
   */
  @TestFactory
  Stream<DynamicTest> storageRulesOnGooglesEmulator() throws Exception {
    Path root = LocalStack.repoRoot();
    Map<String, String> env = new HashMap<>();
    String host = System.getenv("STORAGE_RULES_EMULATOR_HOST");
    if (host != null) {
      env.put("STORAGE_RULES_EMULATOR_HOST", host);
    }
    return NodeTestRun.run(
        root, root.resolve("e2e/rules-tests/storage-rules.test.mjs"), env, Duration.ofMinutes(5));
  }
}

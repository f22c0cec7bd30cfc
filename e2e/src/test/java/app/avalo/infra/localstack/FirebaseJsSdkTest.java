package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.Emulators;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code e2e/js-tests/} with Node's test runner: the real Firebase JS SDK ({@code
 * httpsCallable} + {@code connectFunctionsEmulator}, Auth-emulator sign-in) against the dev server,
 * so the callable protocol is checked by the client that defines it; and one upload with the
 * Storage SDK (Firebase upload protocol) followed by uploadImage with its path.
 */
class FirebaseJsSdkTest {
  @Test
  void firebaseJsSdkCallsThroughTheDevServer() throws Exception {
    DevServer server = LocalStack.server();
    // Regions must exist for the public status call.
    LocalStack.client().call("initializeRegions", "{}", server.adminToken());
    Path root = LocalStack.repoRoot();
    ProcessBuilder node =
        new ProcessBuilder(
                "node",
                "--test",
                "--test-reporter=spec",
                root.resolve("e2e/js-tests/callable-sdk.test.mjs").toString())
            .directory(root.toFile())
            .redirectErrorStream(true);
    node.environment().put("AVALO_DEV_URL", server.baseUrl());
    node.environment().put("GOOGLE_CLOUD_PROJECT", server.platform().config().projectId());
    node.environment().put("AVALO_REGION", server.platform().catalog().defaultRegion());
    node.environment().put("FIREBASE_AUTH_EMULATOR_HOST", Emulators.authHost());
    NodeTestRun.Finished run = NodeTestRun.runWithTimeout(node, Duration.ofMinutes(3));
    String output = run.output();
    System.out.println(output);
    assertFalse(run.timedOut(), "node --test timed out after 3 min:\n" + output);
    assertEquals(0, run.exitCode(), "Firebase JS SDK tests failed:\n" + output);
    assertTrue(
        output.contains("ℹ pass 6") && output.contains("ℹ fail 0"),
        "expected 6 passing JS SDK tests:\n" + output);
  }
}

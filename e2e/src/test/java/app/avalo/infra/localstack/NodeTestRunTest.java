package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The node runner's own guarantees: a hung child is killed at the timeout, an unexplained exit
 * fails.
 */
class NodeTestRunTest {
  @Test
  void aHungChildIsKilledAtTheTimeoutWithWhatItPrinted() throws Exception {
    ProcessBuilder hung =
        new ProcessBuilder("node", "-e", "console.log('started'); setInterval(() => {}, 1000)");
    NodeTestRun.Finished run = NodeTestRun.runWithTimeout(hung, Duration.ofSeconds(2));
    assertTrue(run.timedOut());
    assertTrue(run.output().contains("started"), run.output());
  }

  @Test
  void aFinishedChildGivesItsExitCodeAndOutput() throws Exception {
    NodeTestRun.Finished run =
        NodeTestRun.runWithTimeout(
            new ProcessBuilder("node", "-e", "console.log('bye'); process.exit(3)"),
            Duration.ofMinutes(1));
    assertFalse(run.timedOut());
    assertEquals(3, run.exitCode());
    assertEquals("bye\n", run.output());
  }

  @Test
  void aNonZeroExitThatNoFailedTestExplainsFails(@TempDir Path dir) throws Throwable {
    Path file = dir.resolve("exits.test.mjs");
    // One passing test, then the file dies outside any test.
    Files.writeString(
        file,
        """
        import test from "node:test";
        test("passes", () => {});
        process.on("exit", () => { process.exitCode = 7; });
        """);
    Path root = Files.createDirectories(dir.resolve("root/e2e/target")).getParent().getParent();
    List<DynamicTest> tests = NodeTestRun.run(root, file, Map.of(), Duration.ofMinutes(1)).toList();
    long failing = 0;
    for (DynamicTest t : tests) {
      try {
        t.getExecutable().execute();
      } catch (AssertionFailedError expected) {
        failing++;
      }
    }
    assertTrue(
        failing >= 1,
        "the file's non-zero exit must fail the run: " + tests.size() + " tests, none failing");
  }
}

package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs one {@code node --test} file and turns each of its top-level tests into a JUnit dynamic
 * test, so Surefire counts them one by one: a passed node test passes, a failed one fails with
 * node's message, a skipped one is reported as skipped (aborted) with its reason — never as passed.
 * The human-readable spec output goes to {@code target/<name>-node.log}.
 */
final class NodeTestRun {
  /** {@code ok 3 - name # SKIP reason} / {@code not ok 4 - name} at column 0 (top-level tests). */
  private static final Pattern RESULT =
      Pattern.compile("^(not ok|ok) \\d+ - (.*?)(?: # (SKIP|TODO)(?: (.*))?)?$");

  record Result(String name, String outcome, String detail) {}

  private NodeTestRun() {}

  static Stream<DynamicTest> run(
      Path repoRoot, Path testFile, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Path log = repoRoot.resolve("e2e/target").resolve(testFile.getFileName() + "-node.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder node =
        new ProcessBuilder(
                "node",
                "--test",
                "--test-concurrency=1",
                "--test-reporter=tap",
                "--test-reporter-destination=stdout",
                "--test-reporter=spec",
                "--test-reporter-destination=" + log,
                testFile.toString())
            .directory(repoRoot.toFile())
            .redirectErrorStream(true);
    node.environment().putAll(env);
    Finished run = runWithTimeout(node, timeout);
    String tap = run.output();
    String spec = Files.exists(log) ? Files.readString(log) : "";
    System.out.println(spec);
    List<Result> results = parse(tap);
    boolean failureExplained = results.stream().anyMatch(r -> r.outcome().equals("fail"));
    if (run.timedOut() || results.isEmpty() || (run.exitCode() != 0 && !failureExplained)) {
      // The file did not get to its tests (syntax error, missing env, browser would not start, …),
      // hung, or failed outside any test.
      String why =
          run.timedOut()
              ? "timed out after " + timeout
              : results.isEmpty()
                  ? "reported no test (exit " + run.exitCode() + ")"
                  : "exited " + run.exitCode() + " with no failed test to explain it";
      return Stream.of(
          DynamicTest.dynamicTest(
              testFile.getFileName().toString(),
              () ->
                  fail(
                      "node --test "
                          + testFile.getFileName()
                          + " "
                          + why
                          + ":\n"
                          + tap
                          + "\n"
                          + spec)));
    }
    return results.stream()
        .map(
            r ->
                DynamicTest.dynamicTest(
                    r.name(),
                    () -> {
                      switch (r.outcome()) {
                        case "ok" -> {
                          // passed: node's own assertions ran
                        }
                        case "skip" ->
                            Assumptions.abort("skipped '" + r.name() + "': " + r.detail());
                        default -> fail("'" + r.name() + "' failed:\n" + r.detail());
                      }
                    }));
  }

  /**
   * How a child process ended: its whole output, its exit code, or that it was killed at the
   * timeout.
   */
  record Finished(String output, int exitCode, boolean timedOut) {}

  /**
   * Starts the process and reads its output on another thread while waiting at most {@code timeout}
   * (reading first and waiting after would wait forever on a hung child, whose pipe never closes).
   * A child still running at the timeout is killed with everything it started.
   */
  static Finished runWithTimeout(ProcessBuilder builder, Duration timeout)
      throws IOException, InterruptedException {
    Process p = builder.redirectErrorStream(true).start();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(output unreadable: " + e + ")";
              }
            });
    boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String text;
    try {
      text = output.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      text = "(output not collected: " + e + ")";
    }
    return new Finished(text, exited ? p.exitValue() : -1, !exited);
  }

  /** The top-level results of node's TAP output, each failure with its YAML diagnostics. */
  static List<Result> parse(String tap) {
    List<Result> results = new ArrayList<>();
    String[] lines = tap.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = RESULT.matcher(lines[i]);
      if (!m.matches()) {
        continue;
      }
      String name = m.group(2);
      if ("SKIP".equals(m.group(3)) || "TODO".equals(m.group(3))) {
        results.add(new Result(name, "skip", m.group(4) == null ? "no reason given" : m.group(4)));
      } else if (m.group(1).equals("ok")) {
        results.add(new Result(name, "ok", ""));
      } else {
        StringBuilder detail = new StringBuilder();
        for (int j = i + 1; j < lines.length && lines[j].startsWith("  "); j++) {
          detail.append(lines[j]).append('\n');
        }
        results.add(new Result(name, "fail", detail.toString()));
      }
    }
    return results;
  }
}

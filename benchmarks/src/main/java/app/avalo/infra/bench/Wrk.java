package app.avalo.infra.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from wrk (Debian package), a C load generator: on a 2-core machine that also runs the server
 * and the emulator, the JDK HTTP client's own CPU use would dominate what is measured.
 */
final class Wrk {
  private static final Pattern RESULT =
      Pattern.compile("RESULT (\\d+) (\\d+) (\\d+) ([\\d.]+) ([\\d.]+) ([\\d.]+)");

  /** What wrk measured: requests, non-2xx/socket errors, seconds, latency percentiles in ms. */
  record Result(
      int clients,
      long requests,
      long errors,
      double seconds,
      double p50Millis,
      double p95Millis,
      double p99Millis) {
    double throughput() {
      return requests / seconds;
    }
  }

  private Wrk() {}

  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  static Result run(String url, String body, String bearer, int clients, Duration length)
      throws Exception {
    Path script = Files.createTempFile("wrk", ".lua");
    Files.writeString(
        script,
        """
        wrk.method = "POST"
        wrk.body = [==[%s]==]
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["Authorization"] = "Bearer %s"
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("RESULT %%d %%d %%d %%f %%f %%f\\n", summary.requests,
            e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
            latency:percentile(50), latency:percentile(95), latency:percentile(99)))
        end
        """
            .formatted(body, bearer));
    int threads = Math.min(2, clients);
    Process p =
        new ProcessBuilder(
                List.of(
                    "wrk",
                    "-t" + threads,
                    "-c" + clients,
                    "-d" + length.toSeconds() + "s",
                    "--timeout",
                    "10s",
                    "-s",
                    script.toString(),
                    url))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(length.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    Files.deleteIfExists(script);
    Matcher m = RESULT.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no result from wrk: " + out);
    }
    return new Result(
        clients,
        Long.parseLong(m.group(1)),
        Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3)) / 1e6,
        Double.parseDouble(m.group(4)) / 1000,
        Double.parseDouble(m.group(5)) / 1000,
        Double.parseDouble(m.group(6)) / 1000);
  }
}

package app.avalo.infra.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JVM start → first successful answer of one function under the Functions Framework invoker. */
final class ColdStartScenario {
  private ColdStartScenario() {}

  static void run(Bench bench) throws Exception {
    List<Double> millis = new ArrayList<>();
    int trials = bench.quick() ? 2 : 5;
    for (int i = 0; i < trials; i++) {
      millis.add(once(bench));
    }
    bench
        .report()
        .row(
            "cold start",
            "JVM start → first 200 from getRegionStatuses, median / max (" + trials + " runs)",
            Report.ms(LoadRunner.percentile(millis, 50))
                + " / "
                + Report.ms(millis.stream().mapToDouble(d -> d).max().orElse(0)),
            "",
            "",
            "",
            "");
    bench.report().raw("coldStartMs", millis);
  }

  private static double once(Bench bench) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "com.google.cloud.functions.invoker.runner.Invoker",
                "--target",
                "app.avalo.infra.routing.GetRegionStatuses",
                "--port",
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = pb.environment();
    var config = bench.server().platform().config();
    env.put("GOOGLE_CLOUD_PROJECT", config.projectId());
    env.put("FIRESTORE_EMULATOR_HOST", config.firestoreEmulatorHost());
    env.put("FIREBASE_AUTH_EMULATOR_HOST", config.authEmulatorHost());
    long start = System.nanoTime();
    Process p = pb.start();
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{}}"))
              .build();
      long deadline = start + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          HttpResponse<String> r = bench.http().send(request, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return (System.nanoTime() - start) / 1e6;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(5);
      }
      throw new IllegalStateException("the invoker did not answer within 60 s");
    } finally {
      p.destroy();
      p.waitFor();
    }
  }
}

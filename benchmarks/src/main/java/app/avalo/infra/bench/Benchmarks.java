package app.avalo.infra.bench;

import app.avalo.infra.localstack.AuthEmulatorClient;
import app.avalo.infra.localstack.DevServer;
import app.avalo.infra.platform.Catalog;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/bench}: measures the numbers issue #10 asks for on the local stack and writes them to
 * {@code BENCHMARKS.md} (and {@code benchmarks/target/results.json}). Each scenario prints its rows
 * as it goes; a scenario that fails is reported as failed, and the command exits non-zero.
 */
public final class Benchmarks {
  /** One benchmark. */
  @FunctionalInterface
  interface Scenario {
    void run(Bench bench) throws Exception;
  }

  static Map<String, Scenario> scenarios() {
    Map<String, Scenario> all = new LinkedHashMap<>();
    all.put("routing", RoutingScenarios::throughput);
    all.put("failover", RoutingScenarios::failoverPropagation);
    all.put("routing-view", RoutingViewScenario::run);
    all.put("throttle", ThrottleScenario::run);
    all.put("ingestion", IngestionScenario::run);
    all.put("backups", BackupScenario::run);
    all.put("media", MediaScenario::run);
    all.put("coldstart", ColdStartScenario::run);
    all.put("alerting", AlertingScenario::run);
    return all;
  }

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    // Expire idle pooled HTTP connections before Jetty's 30 s idle timeout closes them.
    System.setProperty("jdk.httpclient.keepalive.timeout", "15");
    Path root = Path.of(".").toAbsolutePath().normalize();
    Set<String> only = new LinkedHashSet<>();
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repo-root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--only" -> only.addAll(List.of(args[++i].split(",")));
        case "--quick" -> quick = true;
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + " (options: --only NAME[,NAME], --quick, --repo-root DIR); benchmarks: "
                    + scenarios().keySet());
      }
    }
    Map<String, Scenario> scenarios = scenarios();
    for (String name : only) {
      if (!scenarios.containsKey(name)) {
        throw new IllegalArgumentException(
            "no benchmark " + name + "; there are " + scenarios.keySet());
      }
    }
    String catalogJson = Files.readString(root.resolve("catalog.json"));
    Catalog catalog =
        Catalog.parse(
            new StringReader(
                catalogJson.replaceFirst(
                    "\"functions\": \\[",
                    "\"functions\": [\n    {\"name\": \"getRoutingUncached\", \"entryPoint\": \""
                        + GetRoutingUncached.class.getName()
                        + "\", \"kind\": \"callable\", \"access\": \"user\", \"memory\": \"256Mi\","
                        + " \"timeoutSeconds\": 30, \"description\": \"benchmark baseline:"
                        + " getRouting reading region state on every call\"},")));
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.put("MONITORING_BUCKET_SHARDS", Integer.toString(IngestionScenario.SHARDS));
    env.put("IMAGE_AVIF_ENABLED", "false");
    // Alerts raised while benchmarking go to the dev server's local receivers (AlertingScenario
    // measures that delivery), as bin/dev's demo does; no SMTP server, so no email receiver.
    env.put(DevServer.LOCAL_ALERTING, "on");
    // The migration benchmark measures the emulator's own rate; the ramp is projected, not waited.
    env.put("ROUTING_FAILOVER_START_RATE", "100000");
    DevServer server = DevServer.start(new DevServer.Options(0, root, false, false, env, catalog));
    List<String> failed = new ArrayList<>();
    Report report = new Report();
    try {
      var config = server.platform().config();
      AuthEmulatorClient auth =
          new AuthEmulatorClient(config.authEmulatorHost(), config.projectId());
      String user =
          auth.ensureAccount(DevServer.DEMO_USER_EMAIL, DevServer.DEMO_USER_PASSWORD, false)
              .idToken();
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      Bench bench = new Bench(server, user, server.adminToken(), http, report, quick);
      bench.ok("initializeRegions", "{\"data\":{}}", server.adminToken());
      for (var e : scenarios.entrySet()) {
        if (!only.isEmpty() && !only.contains(e.getKey())) {
          continue;
        }
        System.out.println("== " + e.getKey());
        try {
          e.getValue().run(bench);
        } catch (Exception | AssertionError ex) {
          failed.add(e.getKey());
          report.row(
              e.getKey(),
              "FAILED",
              ex.getClass().getSimpleName() + ": " + ex.getMessage(),
              "",
              "",
              "",
              "failed");
          ex.printStackTrace();
        }
      }
    } finally {
      server.close();
    }
    String command =
        "bin/bench"
            + (only.isEmpty() ? "" : " --only " + String.join(",", only))
            + (quick ? " --quick" : "");
    // Only a full run replaces BENCHMARKS.md; quick and partial runs write beside the raw results.
    Path markdown =
        quick
            ? root.resolve("benchmarks/target/BENCHMARKS-quick.md")
            : !only.isEmpty()
                ? root.resolve("benchmarks/target/BENCHMARKS-partial.md")
                : root.resolve("BENCHMARKS.md");
    Files.createDirectories(root.resolve("benchmarks/target"));
    report.write(markdown, root.resolve("benchmarks/target/results.json"), command);
    System.out.println("wrote " + markdown);
    if (!failed.isEmpty()) {
      System.err.println("benchmarks failed: " + failed);
      System.exit(1);
    }
    System.exit(0);
  }
}

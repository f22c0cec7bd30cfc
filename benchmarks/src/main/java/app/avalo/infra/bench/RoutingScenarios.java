package app.avalo.infra.bench;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** getRouting throughput and latency against its uncached baseline, and failover propagation. */
final class RoutingScenarios {
  static final String BODY = "{\"data\":{\"service\":\"feed\",\"country\":\"DE\"}}";

  private RoutingScenarios() {}

  static void throughput(Bench bench) throws Exception {
    boolean wrk = Wrk.available();
    Map<String, Object> raw = new LinkedHashMap<>();
    for (int clients : new int[] {1, 8, 32}) {
      Duration length = bench.measure(Duration.ofSeconds(10));
      Measured cached = measure(bench, wrk, "getRouting", clients, length);
      Measured uncached = measure(bench, wrk, "getRoutingUncached", clients, length);
      double ratio = cached.throughput() / uncached.throughput();
      String label = "getRouting, " + clients + " client" + (clients == 1 ? "" : "s");
      bench
          .report()
          .row(
              label,
              "throughput (req/s)",
              Report.rate(cached.throughput(), "req"),
              Report.rate(uncached.throughput(), "req"),
              Report.times(ratio),
              clients == 32 ? "≥ 10× baseline" : "",
              clients == 32 ? Report.verdict(ratio >= 10) : "");
      bench
          .report()
          .row(
              label,
              "latency p50 / p99",
              Report.ms(cached.p50()) + " / " + Report.ms(cached.p99()),
              Report.ms(uncached.p50()) + " / " + Report.ms(uncached.p99()),
              Report.times(uncached.p99() / cached.p99()),
              clients == 32 ? "p99 ≤ 5 ms" : "",
              clients == 32 ? Report.verdict(cached.p99() <= 5) : "");
      if (cached.errors() > 0 || uncached.errors() > 0) {
        bench
            .report()
            .note(
                "getRouting at "
                    + clients
                    + " clients: "
                    + cached.errors()
                    + " failed requests (baseline "
                    + uncached.errors()
                    + ")");
      }
      raw.put("clients" + clients, Map.of("cached", cached, "uncached", uncached));
    }
    bench.report().raw("getRouting", raw);
    bench
        .report()
        .note(
            "getRouting load: "
                + (wrk
                    ? "wrk (C, epoll)"
                    : "the JDK HTTP client (wrk not installed: " + "apt-get install wrk)")
                + " over loopback; the load generator, the dev server and the Firestore emulator"
                + " share the machine's "
                + Runtime.getRuntime().availableProcessors()
                + " cores, so at 32 clients the p99 is mostly CPU queueing. The baseline reads the"
                + " regions from the Firestore emulator on every call.");
  }

  /** One load run's numbers, from wrk or the JDK client. */
  record Measured(long requests, long errors, double throughput, double p50, double p99) {}

  private static Measured measure(
      Bench bench, boolean wrk, String function, int clients, Duration length) throws Exception {
    if (wrk) {
      String url = bench.server().baseUrl() + "/" + function;
      Wrk.run(url, BODY, bench.userToken(), clients, Duration.ofSeconds(3)); // warm-up
      Wrk.Result r = Wrk.run(url, BODY, bench.userToken(), clients, length);
      return new Measured(r.requests(), r.errors(), r.throughput(), r.p50Millis(), r.p99Millis());
    }
    LoadRunner.Result r =
        LoadRunner.run(
            clients,
            Duration.ofSeconds(3),
            length,
            () -> bench.post(function, BODY, bench.userToken()).statusCode() == 200);
    return new Measured(r.requests(), r.failures(), r.throughput(), r.p50Millis(), r.p99Millis());
  }

  static Map<String, Object> summary(LoadRunner.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", r.requests());
    m.put("failures", r.failures());
    m.put("seconds", r.seconds());
    m.put("throughput", r.throughput());
    m.put("p50ms", r.p50Millis());
    m.put("p95ms", r.p95Millis());
    m.put("p99ms", r.p99Millis());
    return m;
  }

  /**
   * Region status written (as the health checker does) → first getRouting answer that reflects it.
   */
  static void failoverPropagation(Bench bench) throws Exception {
    DocumentReference eu =
        bench.server().platform().firestore().collection("regions").document("EU");
    List<Double> toUnhealthy = new ArrayList<>();
    List<Double> toHealthy = new ArrayList<>();
    int trials = bench.quick() ? 3 : 20;
    for (int i = 0; i < trials; i++) {
      toUnhealthy.add(flip(bench, eu, "unhealthy", false));
      toHealthy.add(flip(bench, eu, "healthy", true));
    }
    double p50 = LoadRunner.percentile(toUnhealthy, 50);
    double p95 = LoadRunner.percentile(toUnhealthy, 95);
    bench
        .report()
        .row(
            "failover propagation",
            "EU unhealthy → routed away, p50 / p95 (" + trials + " trials)",
            Report.ms(p50) + " / " + Report.ms(p95),
            "",
            "",
            "p95 ≤ 1 s",
            Report.verdict(p95 <= 1000));
    bench
        .report()
        .row(
            "failover propagation",
            "EU healthy again → routed back, p50 / p95",
            Report.ms(LoadRunner.percentile(toHealthy, 50))
                + " / "
                + Report.ms(LoadRunner.percentile(toHealthy, 95)),
            "",
            "",
            "",
            "");
    bench
        .report()
        .raw("failoverPropagationMs", Map.of("toUnhealthy", toUnhealthy, "toHealthy", toHealthy));
    bench
        .report()
        .note(
            "failover propagation measures the in-process view (a Firestore snapshot listener,"
                + " stale after "
                + bench.server().root().routing().config().viewStaleAfter().toSeconds()
                + " s without a snapshot): detection by the health checks (3 failed probes, 10 s"
                + " apart) comes before it; see docs/routing.md.");
  }

  static double flip(Bench bench, DocumentReference eu, String status, boolean wantEu)
      throws Exception {
    long start = System.nanoTime();
    Firestores.await(eu.update("status", status));
    long deadline = start + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = bench.post("getRouting", BODY, bench.userToken());
      boolean onEu = r.statusCode() == 200 && r.body().contains("\"region\":\"EU\"");
      if (onEu == wantEu && r.statusCode() == 200) {
        return (System.nanoTime() - start) / 1e6;
      }
    }
    throw new IllegalStateException("routing did not reflect EU=" + status + " within 10 s");
  }
}

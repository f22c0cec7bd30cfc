package app.avalo.infra.bench;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.routing.RoutingModule;
import com.google.cloud.firestore.DocumentReference;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** getRouting throughput and latency against its uncached baseline, and failover propagation. */
final class RoutingScenarios {
  private static final String BODY = "{\"data\":{\"service\":\"feed\",\"country\":\"DE\"}}";

  private RoutingScenarios() {}

  static void throughput(Bench bench) throws Exception {
    Map<String, Object> raw = new LinkedHashMap<>();
    LoadRunner.Result cached32 = null;
    LoadRunner.Result uncached32 = null;
    for (int clients : new int[] {1, 8, 32}) {
      LoadRunner.Result cached = LoadRunner.run(clients, Duration.ofSeconds(3), bench.measure(Duration.ofSeconds(10)),
          () -> bench.post("getRouting", BODY, bench.userToken()).statusCode() == 200);
      LoadRunner.Result uncached = LoadRunner.run(clients, Duration.ofSeconds(3), bench.measure(Duration.ofSeconds(10)),
          () -> bench.post("getRoutingUncached", BODY, bench.userToken()).statusCode() == 200);
      double ratio = cached.throughput() / uncached.throughput();
      String label = "getRouting, " + clients + " client" + (clients == 1 ? "" : "s");
      bench.report().row(label, "throughput (req/s)", Report.rate(cached.throughput(), "req"),
          Report.rate(uncached.throughput(), "req"), Report.times(ratio), clients == 32 ? "≥ 10× baseline" : "",
          clients == 32 ? Report.verdict(ratio >= 10) : "");
      bench.report().row(label, "latency p50 / p99", Report.ms(cached.p50Millis()) + " / " + Report.ms(cached.p99Millis()),
          Report.ms(uncached.p50Millis()) + " / " + Report.ms(uncached.p99Millis()),
          Report.times(uncached.p99Millis() / cached.p99Millis()), clients == 32 ? "p99 ≤ 5 ms" : "",
          clients == 32 ? Report.verdict(cached.p99Millis() <= 5) : "");
      if (cached.failures() > 0 || uncached.failures() > 0) {
        bench.report().note("getRouting at " + clients + " clients: " + cached.failures() + " failed requests (baseline "
            + uncached.failures() + ")");
      }
      raw.put("clients" + clients, Map.of("cached", summary(cached), "uncached", summary(uncached)));
      if (clients == 32) {
        cached32 = cached;
        uncached32 = uncached;
      }
    }
    bench.report().raw("getRouting", raw);
    bench.report().note("getRouting: the load generator, the dev server and the Firestore emulator share the machine's "
        + Runtime.getRuntime().availableProcessors() + " cores, so at 32 clients most of the p99 is CPU queueing; "
        + "32-client totals: " + (cached32 == null ? "-" : cached32.requests()) + " requests (baseline "
        + (uncached32 == null ? "-" : uncached32.requests()) + ").");
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

  /** Region status written (as the health checker does) → first getRouting answer that reflects it. */
  static void failoverPropagation(Bench bench) throws Exception {
    DocumentReference eu = bench.server().app().firestore().collection("regions").document("EU");
    List<Double> toUnhealthy = new ArrayList<>();
    List<Double> toHealthy = new ArrayList<>();
    int trials = bench.quick() ? 3 : 20;
    for (int i = 0; i < trials; i++) {
      toUnhealthy.add(flip(bench, eu, "unhealthy", false));
      toHealthy.add(flip(bench, eu, "healthy", true));
    }
    double p50 = LoadRunner.percentile(toUnhealthy, 50);
    double p95 = LoadRunner.percentile(toUnhealthy, 95);
    bench.report().row("failover propagation", "EU unhealthy → routed away, p50 / p95 (" + trials + " trials)",
        Report.ms(p50) + " / " + Report.ms(p95), "", "", "p95 ≤ 1 s", Report.verdict(p95 <= 1000));
    bench.report().row("failover propagation", "EU healthy again → routed back, p50 / p95",
        Report.ms(LoadRunner.percentile(toHealthy, 50)) + " / " + Report.ms(LoadRunner.percentile(toHealthy, 95)),
        "", "", "", "");
    bench.report().raw("failoverPropagationMs", Map.of("toUnhealthy", toUnhealthy, "toHealthy", toHealthy));
    bench.report().note("failover propagation measures the in-process view (refresh "
        + RoutingModule.of(bench.server().app()).config().viewRefresh().toMillis()
        + " ms): detection by the health checks (3 failed probes, 10 s apart) comes before it; see docs/routing.md.");
  }

  private static double flip(Bench bench, DocumentReference eu, String status, boolean wantEu) throws Exception {
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

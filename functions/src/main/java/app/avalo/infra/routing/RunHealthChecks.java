package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import app.avalo.infra.platform.ScheduledJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * {@code runHealthChecks} (Cloud Scheduler, every minute, deployed in every region): probes every
 * region 6 times, 10 s apart, within one run, from this region's vantage, and decides region status
 * by quorum across the vantages (see {@link RegionHealthRun}, {@link HealthPolicy} and {@link
 * HealthQuorum}). One run per vantage at a time (the lease is the vantage's; the primary's keeps
 * the plain job name); a re-delivered schedule time does nothing. Locally one run can simulate
 * several vantages side by side ({@code ROUTING_SIMULATED_VANTAGES}); its summary then holds one
 * per vantage.
 */
public final class RunHealthChecks extends ScheduledJob {
  private final Supplier<RoutingModule> routing;

  public RunHealthChecks() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  RunHealthChecks(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected String jobKey(Request request) {
    String vantage = routing.get().config().vantage();
    return vantage.equals(RegionDefinition.ids().get(0))
        ? request.function().name()
        : request.function().name() + "-" + vantage;
  }

  @Override
  protected JobRunner.Result run(JobContext context) throws Exception {
    List<RegionHealthRun> runs = routing.get().healthRuns();
    if (runs.size() == 1) {
      return JobRunner.Result.of(runs.get(0).run(context.deadline(), context::progress).toDoc());
    }
    ExecutorService pool = Executors.newFixedThreadPool(runs.size());
    try {
      List<Future<HealthRunSummary>> pending = new ArrayList<>();
      for (RegionHealthRun run : runs) {
        pending.add(
            pool.submit(
                () ->
                    run.run(
                        context.deadline(),
                        (key, value) -> context.progress(run.vantage() + "." + key, value))));
      }
      Map<String, Object> byVantage = new LinkedHashMap<>();
      for (int i = 0; i < runs.size(); i++) {
        try {
          byVantage.put(runs.get(i).vantage(), pending.get(i).get().toDoc());
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      return JobRunner.Result.of(Map.of("vantages", byVantage));
    } finally {
      pool.shutdownNow();
    }
  }
}

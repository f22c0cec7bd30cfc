package app.avalo.infra.scaling;

import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two scheduled runs over every logical service: the minutely evaluation ({@code
 * evaluateAllServices}) and viral detection ({@code detectViralTraffic}), each answering a summary
 * for the job's run record.
 */
final class ScheduledScaling {
  private static final Duration RESERVE = Duration.ofSeconds(5);

  /** One service's line in an evaluation run. */
  record EvaluationLine(
      String service, String commit, String action, String reason, int desired, String actuation) {}

  /** What {@code evaluateAllServices} did. */
  record EvaluationRun(int seededRules, int changed, List<EvaluationLine> decisions) {
    Map<String, Object> summary() {
      return JobSummaryCodec.evaluation(this);
    }
  }

  /** The evaluation a burst change caused at once. */
  record DecisionLine(String action, String reason, int desired) {}

  /** One service's line in a viral detection run; {@code decision} only when its burst changed. */
  record ViralLine(
      String service,
      String action,
      String note,
      Double baselineRps,
      String baselineSource,
      Double sustainedRps,
      Double peakRps,
      DecisionLine decision) {}

  /** What {@code detectViralTraffic} did. */
  record ViralRun(long burstsOn, long burstsOff, List<ViralLine> services) {
    Map<String, Object> summary() {
      return JobSummaryCodec.viral(this);
    }
  }

  private final ScalingStore store;
  private final ScalingEvaluator evaluator;
  private final ViralTrafficDetector viral;
  private final ScalingConfig config;
  private final Clock clock;

  ScheduledScaling(
      ScalingStore store,
      ScalingEvaluator evaluator,
      ViralTrafficDetector viral,
      ScalingConfig config,
      Clock clock) {
    this.store = store;
    this.evaluator = evaluator;
    this.viral = viral;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Seeds missing rules, then evaluates every service under the event id of the scheduled time, all
   * services at once (each on its own virtual thread: the work is waiting on Firestore, Monitoring
   * and Cloud Run), each with what is left of the job's deadline minus a reserve as its budget —
   * one slow Cloud Run update cannot starve the services after it. A service that fails (or is not
   * done before the deadline) fails the run after the others were evaluated; the lines so far are
   * kept as the run's progress.
   */
  EvaluationRun evaluateAll(JobContext context) {
    Instant now = clock.instant();
    int seeded = store.seedMissingRules(config.stabilizationSeconds(), now);
    List<EvaluationLine> decisions = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int changed = 0;
    Duration budget = context.remaining().minus(RESERVE);
    Map<LogicalService, Future<ScalingEvaluator.Outcome>> running = new LinkedHashMap<>();
    // not try-with-resources: close() would wait for a task past the deadline
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      if (budget.isNegative() || budget.isZero()) {
        for (LogicalService service : LogicalService.values()) {
          failures.add(service.id() + ": not evaluated before the deadline");
        }
      } else {
        for (LogicalService service : LogicalService.values()) {
          running.put(
              service,
              pool.submit(
                  () ->
                      evaluator.evaluate(
                          service,
                          now,
                          "schedule",
                          ScalingEvaluator.scheduledEventId(service, context.scheduledFor()),
                          budget)));
        }
      }
      long deadline = System.nanoTime() + budget.toNanos() + RESERVE.toNanos() / 2;
      for (Map.Entry<LogicalService, Future<ScalingEvaluator.Outcome>> e : running.entrySet()) {
        LogicalService service = e.getKey();
        try {
          ScalingEvaluator.Outcome o =
              e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          decisions.add(
              new EvaluationLine(
                  o.service(),
                  o.commit(),
                  o.action(),
                  o.reason(),
                  o.desiredInstances(),
                  o.actuation().status() == null ? "not_needed" : o.actuation().status()));
          if (o.action().startsWith("scale_")) {
            changed++;
          }
          context.progress("evaluated", decisions.size());
        } catch (TimeoutException te) {
          e.getValue().cancel(true);
          failures.add(service.id() + ": not evaluated before the deadline");
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          failures.add(service.id() + ": interrupted");
        } catch (ExecutionException ee) {
          Log.error("scaling evaluation failed", Map.of("service", service.id()), ee.getCause());
          failures.add(service.id() + ": " + ee.getCause().getClass().getSimpleName());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (!failures.isEmpty()) {
      context.progress("decisions", JobSummaryCodec.decisions(decisions));
      throw new IllegalStateException(
          "scaling evaluation failed for " + String.join(", ", failures));
    }
    return new EvaluationRun(seeded, changed, decisions);
  }

  /**
   * Checks every service for viral traffic; a service whose burst protection changed is
   * re-evaluated at once, so the raised (or restored) max reaches Cloud Run now.
   */
  ViralRun detectViralTraffic(JobContext context) {
    Instant now = clock.instant();
    List<ViralLine> lines = new ArrayList<>();
    for (LogicalService service : LogicalService.values()) {
      ViralTrafficDetector.Check check = viral.check(service, now);
      DecisionLine decision = null;
      if (check.burstChanged()) {
        ScalingEvaluator.Outcome o =
            evaluator.evaluate(
                service, now, "viral", ScalingEvaluator.adHocEventId(service, now, "viral"));
        decision = new DecisionLine(o.action(), o.reason(), o.desiredInstances());
      }
      ViralTrafficDetector.Assessment a = check.assessment();
      lines.add(
          new ViralLine(
              check.service(),
              check.action(),
              check.note(),
              a.baseline() == null ? null : a.baseline().rps(),
              a.baseline() == null ? null : a.baseline().source(),
              a.sustainedRps(),
              a.peakRps(),
              decision));
      context.progress("checked", lines.size());
    }
    return new ViralRun(
        lines.stream().filter(l -> l.action().equals("burst_on")).count(),
        lines.stream().filter(l -> l.action().equals("burst_off")).count(),
        lines);
  }
}

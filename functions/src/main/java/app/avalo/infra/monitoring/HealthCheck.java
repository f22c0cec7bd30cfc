package app.avalo.infra.monitoring;

import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code runHealthCheck}: the thresholds evaluated on the last window ({@link
 * ThresholdEvaluator}), then final minutes sealed and completed hours rolled up ({@link
 * MetricCompactor}).
 */
final class HealthCheck {
  private final ThresholdEvaluator evaluator;
  private final MetricCompactor compactor;
  private final Clock clock;

  HealthCheck(ThresholdEvaluator evaluator, MetricCompactor compactor, Clock clock) {
    this.evaluator = evaluator;
    this.compactor = compactor;
    this.clock = clock;
  }

  /** {@code runHealthCheck}'s summary: {@code services} maps each service to its status. */
  record Run(
      String overall,
      String windowStart,
      String windowEnd,
      Map<String, String> services,
      long breaches,
      int configProblems,
      MetricCompactor.Result compaction) {
    JobRunner.Result result() {
      return JobRunner.Result.of(
          DocWriter.create()
              .field("overall", overall)
              .field("windowStart", windowStart)
              .field("windowEnd", windowEnd)
              .field("services", services)
              .field("breaches", breaches)
              .field("configProblems", configProblems)
              .field("compaction", compaction.summary())
              .map());
    }
  }

  Run run(JobContext context) {
    Instant now = clock.instant();
    // A late or manual run evaluates the minute it was scheduled for, never one in the future.
    Instant asOf = context.scheduledFor().isAfter(now) ? now : context.scheduledFor();
    HealthSummary health = evaluator.check(asOf);
    context.progress("evaluated", health.windowEnd().toString());
    MetricCompactor.Result compaction = compactor.run();
    Map<String, String> services = new LinkedHashMap<>();
    health.services().forEach(s -> services.put(s.service(), s.status()));
    return new Run(
        health.overall(),
        health.windowStart().toString(),
        health.windowEnd().toString(),
        services,
        health.services().stream()
            .flatMap(s -> s.checks().stream())
            .filter(c -> c.outcome().equals("breach"))
            .count(),
        health.configProblems().size(),
        compaction);
  }
}

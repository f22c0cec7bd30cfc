package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code runHealthCheck} (job, every minute): evaluates the last window of every service against
 * the thresholds, raising, refreshing and auto-resolving alerts ({@link ThresholdEvaluator}) and
 * writing the health summary; then seals final minutes and rolls completed hours up ({@link
 * MetricCompactor}). Runs once per scheduled minute under the job lease; a re-delivery of the same
 * minute changes nothing.
 */
public final class RunHealthCheck extends ScheduledJob {
  private final Supplier<MonitoringModule> monitoring;

  public RunHealthCheck() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  RunHealthCheck(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    MonitoringModule monitoring = this.monitoring.get();
    Instant now = platform().clock().instant();
    // A late or manual run evaluates the minute it was scheduled for, never one in the future.
    Instant asOf = context.scheduledFor().isAfter(now) ? now : context.scheduledFor();
    HealthSummary health = monitoring.thresholdEvaluator().check(asOf);
    context.progress("evaluated", health.windowEnd().toString());
    MetricCompactor.Result compaction = monitoring.compactor().run();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("overall", health.overall());
    summary.put("windowStart", health.windowStart().toString());
    summary.put("windowEnd", health.windowEnd().toString());
    Map<String, Object> services = new LinkedHashMap<>();
    health.services().forEach(s -> services.put(s.service(), s.status()));
    summary.put("services", services);
    summary.put(
        "breaches",
        health.services().stream()
            .flatMap(s -> s.checks().stream())
            .filter(c -> c.outcome().equals("breach"))
            .count());
    summary.put("configProblems", health.configProblems().size());
    summary.put("compaction", compaction.summary());
    return JobRunner.Result.of(summary);
  }
}

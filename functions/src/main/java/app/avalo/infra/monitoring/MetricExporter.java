package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Sha256;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Exports sealed minute buckets to Cloud Monitoring for {@code exportMetrics}, each exactly once,
 * oldest first:
 *
 * <ul>
 *   <li><b>What</b>: for every service and sealed minute, its sample and error counts (also 0 for a
 *       minute without samples, so charts show a quiet minute as 0, not as a gap), and for minutes
 *       with samples its error rate and its histogram as a distribution ({@link ExportedMetric}). A
 *       minute is final once {@code runHealthCheck} has sealed it ({@code sealedThrough}), so the
 *       export lags real time by the sealing horizon (max sample age plus grace, 7 min by default).
 *   <li><b>Exactly once</b>: the checkpoint ({@link ExportStore}) names the first minute not yet
 *       exported and how many of its points (in {@link ExportPoint#ORDER}) are written; it advances
 *       after every successful call, so a run that fails or dies part-way resumes at the first
 *       unwritten point and rewrites nothing (Cloud Monitoring refuses a second point for the same
 *       series and time).
 *   <li><b>Bounded catch-up</b>: at most {@code maxMinutesPerRun} minutes per run, stopping early
 *       near the job's deadline. Minutes that ended more than {@link #MAX_POINT_AGE} (less a
 *       margin) ago are skipped, counted and logged: Cloud Monitoring accepts no points older than
 *       25 hours (https://cloud.google.com/monitoring/quotas, user-defined metrics).
 *   <li><b>Failures</b>: a transient failure (unavailable, deadline, quota) leaves the checkpoint
 *       where it was and the next run retries; a configuration failure (permission, project, API
 *       disabled) too, and it raises {@code monitoring / export:failing} at once, as does a
 *       transient failure lasting {@link #TRANSIENT_ALERT_AFTER}; points the API refuses as invalid
 *       can never be written, so their minute is passed over (logged, alert raised). The alert
 *       resolves on the next run that exports without failing.
 *   <li><b>Descriptors</b> are created before the first write and again only when their definition
 *       (or the target project) changes: the checkpoint keeps the version created.
 * </ul>
 */
final class MetricExporter {
  static final Duration MAX_POINT_AGE = Duration.ofHours(25);

  /** Kept from the 25 h limit for the call's own latency and clock skew. */
  static final Duration AGE_MARGIN = Duration.ofMinutes(10);

  /** Where the first run starts, before the newest sealed minute. */
  static final Duration FIRST_RUN_LOOKBACK = Duration.ofHours(1);

  static final Duration TRANSIENT_ALERT_AFTER = Duration.ofMinutes(15);

  /** No new call is started with less than this left before the job's deadline. */
  static final Duration DEADLINE_MARGIN = Duration.ofSeconds(10);

  static final String ALERT_KEY = "export:failing";
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final MetricStore metrics;
  private final MetricReader reader;
  private final ExportStore store;
  private final MetricSink sink;
  private final Alerts alerts;
  private final ExportConfig config;
  private final Clock clock;
  private final String descriptorsVersion;

  MetricExporter(
      MetricStore metrics,
      MetricReader reader,
      ExportStore store,
      MetricSink sink,
      Alerts alerts,
      ExportConfig config,
      Clock clock) {
    this.metrics = metrics;
    this.reader = reader;
    this.store = store;
    this.sink = sink;
    this.alerts = alerts;
    this.config = config;
    this.clock = clock;
    this.descriptorsVersion = descriptorsVersion(config.project());
  }

  /** {@code exportMetrics}' summary. */
  record Run(
      String sink,
      int minutesExported,
      int calls,
      int points,
      long minutesSkippedTooOld,
      int minutesRejected,
      String next,
      String sealedThrough,
      boolean caughtUp,
      String failure) {
    JobRunner.Result result() {
      return JobRunner.Result.of(this);
    }
  }

  Run run(JobContext context) {
    if (!sink.enabled()) {
      return new Run(sink.name(), 0, 0, 0, 0, 0, null, null, true, null);
    }
    Instant now = clock.instant();
    MetricStore.Pipeline pipeline = metrics.pipeline().orElse(null);
    if (pipeline == null || pipeline.sealedThrough() == null) {
      return new Run(sink.name(), 0, 0, 0, 0, 0, null, null, true, null);
    }
    Instant sealed = pipeline.sealedThrough();
    ExportStore.State before =
        store
            .read()
            .orElseGet(
                () ->
                    new ExportStore.State(
                        sealed.minus(FIRST_RUN_LOOKBACK), 0, null, null, null, 0));
    Progress p = new Progress(before);

    if (!descriptorsVersion.equals(p.state.descriptors())) {
      try {
        sink.createDescriptors(List.of(ExportedMetric.values()));
      } catch (MetricSink.Failure f) {
        return failed(p, f, now, sealed);
      }
      p.state = p.state.withDescriptors(descriptorsVersion);
      store.write(p.state, clock.instant());
    }

    Instant oldest = BucketKey.minuteOf(now.minus(MAX_POINT_AGE).plus(AGE_MARGIN));
    long tooOld = 0;
    if (p.state.next().isBefore(oldest)) {
      tooOld = Duration.between(p.state.next(), oldest).toMinutes();
      Log.warn(
          "metric export skipped minutes Cloud Monitoring would refuse as too old",
          Map.of(
              "from", p.state.next().toString(),
              "to", oldest.toString(),
              "minutes", tooOld));
      p.state = p.state.skipped(oldest, tooOld);
      p.tooOld = tooOld;
      store.write(p.state, clock.instant());
    }

    List<Instant> minutes = BucketKey.steps(p.state.next(), sealed, MINUTE);
    boolean caughtUp = minutes.size() <= config.maxMinutesPerRun();
    minutes = minutes.subList(0, Math.min(minutes.size(), config.maxMinutesPerRun()));
    Map<BucketKey, BucketStats> stats = reader.minutes(keys(minutes));
    for (Instant minute : minutes) {
      List<ExportPoint> points = points(minute, stats);
      int done = minute.equals(p.state.next()) ? p.state.pointsDone() : 0;
      while (done < points.size()) {
        if (context.remaining().compareTo(DEADLINE_MARGIN) <= 0) {
          return finish(p, before, now, sealed, false);
        }
        List<ExportPoint> call =
            points.subList(done, Math.min(points.size(), done + MetricSink.MAX_POINTS_PER_CALL));
        try {
          sink.write(call);
        } catch (MetricSink.Failure f) {
          if (f.kind() != MetricSink.FailureKind.REJECTED) {
            return failed(p, f, now, sealed);
          }
          // Refused points never become acceptable: pass the minute over, loudly.
          p.rejected++;
          p.rejection = f;
          Log.error(
              "Cloud Monitoring refused a minute's points; the minute is not exported",
              Map.of("minute", minute.toString(), "status", f.status()),
              f);
          break;
        }
        p.calls++;
        p.points += call.size();
        done += call.size();
        p.state =
            done < points.size()
                ? p.state.advancedTo(minute, done)
                : p.state.advancedTo(minute.plus(MINUTE), 0);
        store.write(p.state, clock.instant());
      }
      if (done < points.size()) { // rejected: move past the minute
        p.state = p.state.advancedTo(minute.plus(MINUTE), 0);
        store.write(p.state, clock.instant());
      }
      p.minutes++;
    }
    return finish(p, before, now, sealed, caughtUp);
  }

  /** What one run has done so far. */
  private static final class Progress {
    ExportStore.State state;
    int minutes;
    int calls;
    int points;
    int rejected;
    long tooOld;
    MetricSink.Failure rejection;

    Progress(ExportStore.State state) {
      this.state = state;
    }
  }

  private Run finish(
      Progress p, ExportStore.State before, Instant now, Instant sealed, boolean caughtUp) {
    if (p.rejection != null) {
      String error = p.rejection.status() + ": " + p.rejection.getMessage();
      raise(p.rejection, p.state.failingSince() == null ? now : p.state.failingSince());
      p.state = p.state.failing(now, error);
      store.write(p.state, clock.instant());
      return run(p, sealed, caughtUp, error);
    }
    if (before.lastError() != null) {
      alerts.resolve(
          MonitoringAlerts.SOURCE,
          ALERT_KEY,
          MonitoringAlerts.BY,
          "Cloud Monitoring export succeeded again");
      if (p.calls == 0) { // nothing to write this run: the recovery is still worth recording
        p.state = p.state.advancedTo(p.state.next(), p.state.pointsDone());
        store.write(p.state, clock.instant());
      }
    }
    return run(p, sealed, caughtUp, null);
  }

  private Run failed(Progress p, MetricSink.Failure f, Instant now, Instant sealed) {
    String error = f.status() + ": " + f.getMessage();
    p.state = p.state.failing(now, error);
    store.write(p.state, clock.instant());
    Log.warn(
        "Cloud Monitoring export failed; retried next run",
        Map.of(
            "status", f.status(),
            "kind", f.kind().name(),
            "message", String.valueOf(f.getMessage()),
            "next", p.state.next().toString()));
    boolean alert =
        f.kind() != MetricSink.FailureKind.TRANSIENT
            || !p.state.failingSince().plus(TRANSIENT_ALERT_AFTER).isAfter(now);
    if (alert) {
      raise(f, p.state.failingSince());
    }
    return run(p, sealed, false, error);
  }

  private void raise(MetricSink.Failure f, Instant since) {
    alerts.raise(
        MonitoringAlerts.SOURCE,
        ALERT_KEY,
        Alerts.Severity.WARNING,
        "Cloud Monitoring export is failing ("
            + f.status()
            + "): "
            + f.getMessage()
            + (f.kind() == MetricSink.FailureKind.CONFIGURATION
                ? " — check the monitoring runtime account's roles/monitoring.metricWriter and"
                    + " that the Monitoring API is enabled"
                : ""),
        DocWriter.create()
            .field("sink", sink.name())
            .field("project", config.project())
            .field("status", f.status())
            .field("kind", f.kind().name())
            .field("failingSince", since.toString())
            .map());
  }

  private Run run(Progress p, Instant sealed, boolean caughtUp, String failure) {
    return new Run(
        sink.name(),
        p.minutes,
        p.calls,
        p.points,
        p.tooOld,
        p.rejected,
        p.state.next().toString(),
        sealed.toString(),
        caughtUp && failure == null,
        failure);
  }

  /** A minute's points in {@link ExportPoint#ORDER}. */
  static List<ExportPoint> points(Instant minute, Map<BucketKey, BucketStats> stats) {
    Instant end = minute.plus(MINUTE);
    List<ExportPoint> points = new ArrayList<>();
    for (MonitoredService service : MonitoredService.values()) {
      BucketStats s = stats.getOrDefault(new BucketKey(service, minute), BucketStats.EMPTY);
      points.add(
          new ExportPoint(
              ExportedMetric.SAMPLE_COUNT, service, null, end, new ExportPoint.Count(s.count())));
      points.add(
          new ExportPoint(
              ExportedMetric.ERROR_COUNT, service, null, end, new ExportPoint.Count(s.errors())));
      if (!s.isEmpty()) {
        points.add(
            new ExportPoint(
                ExportedMetric.ERROR_RATE,
                service,
                null,
                end,
                new ExportPoint.Ratio(s.errorRate())));
        points.add(
            new ExportPoint(
                ExportedMetric.distributionOf(service.measure()),
                service,
                null,
                end,
                new ExportPoint.Histogram(service.measure(), s)));
      }
    }
    points.sort(ExportPoint.ORDER);
    return points;
  }

  private static List<BucketKey> keys(List<Instant> minutes) {
    List<BucketKey> keys = new ArrayList<>();
    for (Instant minute : minutes) {
      for (MonitoredService service : MonitoredService.values()) {
        keys.add(new BucketKey(service, minute));
      }
    }
    return keys;
  }

  /** Changes whenever a descriptor's definition or the target project does. */
  static String descriptorsVersion(String project) {
    StringBuilder definition = new StringBuilder(project);
    Arrays.stream(ExportedMetric.values())
        .forEach(
            m ->
                definition
                    .append('|')
                    .append(m.type())
                    .append(',')
                    .append(m.kind())
                    .append(',')
                    .append(m.unit())
                    .append(',')
                    .append(ExportedMetric.LABELS));
    return Sha256.hex(definition.toString()).substring(0, 16);
  }
}

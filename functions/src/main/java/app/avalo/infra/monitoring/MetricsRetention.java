package app.avalo.infra.monitoring;

import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes metric data past retention, for {@code cleanupOldMetrics}: sealed minutes older than the
 * minute retention together with their live shard documents (addressed by their known paths —
 * subcollections cannot be listed), then hourly rollups older than the rollup retention. Work goes
 * in pages, each one atomic batch of at most {@value #MAX_WRITES_PER_BATCH} deletes, until nothing
 * is left or the job's deadline comes near; what remains is picked up by the next run. Deleting is
 * idempotent, so re-running (or running after a crash mid-way) is safe.
 *
 * <p>In production a Firestore TTL policy on {@code expireAt} removes the same documents natively;
 * this job keeps retention exact where TTL is not configured (and on the emulator).
 */
final class MetricsRetention {
  static final int MAX_WRITES_PER_BATCH = 450;

  /** Stop starting new pages when less than this is left before the deadline. */
  static final Duration DEADLINE_MARGIN = Duration.ofSeconds(20);

  private final MetricStore store;
  private final MonitoringConfig config;
  private final Clock clock;

  MetricsRetention(MetricStore store, MonitoringConfig config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
  }

  /** {@code cleanupOldMetrics}'s summary. */
  record Run(
      String minuteCutoff,
      String rollupCutoff,
      long minuteBucketsDeleted,
      long shardDocumentsDeleted,
      long rollupsDeleted,
      long batches,
      boolean complete) {
    JobRunner.Result result() {
      return JobRunner.Result.of(
          DocWriter.create()
              .field("minuteCutoff", minuteCutoff)
              .field("rollupCutoff", rollupCutoff)
              .field("minuteBucketsDeleted", minuteBucketsDeleted)
              .field("shardDocumentsDeleted", shardDocumentsDeleted)
              .field("rollupsDeleted", rollupsDeleted)
              .field("batches", batches)
              .field("complete", complete)
              .map());
    }
  }

  Run run(JobContext context) {
    Instant now = clock.instant();
    Instant minuteCutoff = BucketKey.minuteOf(now.minus(config.minuteRetention()));
    Instant rollupCutoff = BucketKey.hourOf(now.minus(config.rollupRetention()));
    int perMinute = 1 + config.bucketShards();
    int minutesPerPage = Math.max(1, MAX_WRITES_PER_BATCH / perMinute);
    long minutesDeleted = 0;
    long shardsDeleted = 0;
    long rollupsDeleted = 0;
    long batches = 0;
    boolean complete = false;
    while (timeLeft(context)) {
      MetricStore.Deleted page = store.deleteMinutesBefore(minuteCutoff, minutesPerPage);
      if (page.documents() == 0) {
        complete = true;
        break;
      }
      batches++;
      minutesDeleted += page.documents();
      shardsDeleted += page.shards();
      context.progress("minuteBucketsDeleted", minutesDeleted);
    }
    boolean rollupsComplete = false;
    while (complete && timeLeft(context)) {
      MetricStore.Deleted page = store.deleteRollupsBefore(rollupCutoff, MAX_WRITES_PER_BATCH);
      if (page.documents() == 0) {
        rollupsComplete = true;
        break;
      }
      batches++;
      rollupsDeleted += page.documents();
      context.progress("rollupsDeleted", rollupsDeleted);
    }
    return new Run(
        minuteCutoff.toString(),
        rollupCutoff.toString(),
        minutesDeleted,
        shardsDeleted,
        rollupsDeleted,
        batches,
        complete && rollupsComplete);
  }

  private static boolean timeLeft(JobContext context) {
    return context.remaining().compareTo(DEADLINE_MARGIN) > 0;
  }
}

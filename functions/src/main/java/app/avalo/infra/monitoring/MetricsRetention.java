package app.avalo.infra.monitoring;

import app.avalo.infra.platform.JobContext;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  Map<String, Object> run(JobContext context) {
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
      List<QueryDocumentSnapshot> page = store.minutesBefore(minuteCutoff, minutesPerPage);
      if (page.isEmpty()) {
        complete = true;
        break;
      }
      WriteBatch batch = store.batch();
      for (QueryDocumentSnapshot minute : page) {
        var key = MetricStore.keyOf(minute);
        if (key.isPresent()) {
          for (var shard : store.shardRefs(key.get())) {
            batch.delete(shard);
            shardsDeleted++;
          }
        }
        batch.delete(minute.getReference());
      }
      store.commit(batch);
      batches++;
      minutesDeleted += page.size();
      context.progress("minuteBucketsDeleted", minutesDeleted);
    }
    boolean rollupsComplete = false;
    while (complete && timeLeft(context)) {
      List<QueryDocumentSnapshot> page = store.rollupsBefore(rollupCutoff, MAX_WRITES_PER_BATCH);
      if (page.isEmpty()) {
        rollupsComplete = true;
        break;
      }
      WriteBatch batch = store.batch();
      page.forEach(doc -> batch.delete(doc.getReference()));
      store.commit(batch);
      batches++;
      rollupsDeleted += page.size();
      context.progress("rollupsDeleted", rollupsDeleted);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("minuteCutoff", minuteCutoff.toString());
    summary.put("rollupCutoff", rollupCutoff.toString());
    summary.put("minuteBucketsDeleted", minutesDeleted);
    summary.put("shardDocumentsDeleted", shardsDeleted);
    summary.put("rollupsDeleted", rollupsDeleted);
    summary.put("batches", batches);
    summary.put("complete", complete && rollupsComplete);
    return summary;
  }

  private static boolean timeLeft(JobContext context) {
    return context.remaining().compareTo(DEADLINE_MARGIN) > 0;
  }
}

package app.avalo.infra.monitoring;

import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns live sharded minute buckets into cheaper-to-read documents, run by {@code runHealthCheck}
 * every minute:
 *
 * <ol>
 *   <li><b>Seal</b>: a minute is final once no sample can still land in it (samples may be at most
 *       {@code maxSampleAge} old, plus {@link #GRACE} for requests in flight). Each final minute
 *       that had samples gets one {@code metricMinutes} document summed from its shards; the cursor
 *       {@code sealedThrough} advances in the same atomic batch, so a crash re-seals nothing twice
 *       and skips nothing.
 *   <li><b>Roll up</b>: an hour whose minutes are all sealed becomes one {@code metricRollups}
 *       document (sum of its sealed minutes, histogram included, so hourly percentiles carry the
 *       same error bound); cursor {@code rolledThrough}.
 * </ol>
 *
 * Both steps are bounded per run ({@value #MAX_MINUTES_PER_RUN} minutes, {@value
 * #MAX_HOURS_PER_RUN} hours) so a backlog after an outage is worked off over a few runs, each well
 * inside the job's deadline. On first run sealing starts {@link #FIRST_RUN_LOOKBACK} before the
 * horizon; older live buckets (if any) are left to their TTL.
 */
final class MetricCompactor {
  static final Duration GRACE = Duration.ofMinutes(2);
  static final int MAX_MINUTES_PER_RUN = 60;
  static final int MAX_HOURS_PER_RUN = 6;
  static final Duration FIRST_RUN_LOOKBACK = Duration.ofHours(1);
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration HOUR = Duration.ofHours(1);

  private final MetricStore store;
  private final MonitoringConfig config;
  private final Clock clock;

  MetricCompactor(MetricStore store, MonitoringConfig config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
  }

  record Result(
      int minutesSealed,
      int minuteDocuments,
      int hoursRolledUp,
      Instant sealedThrough,
      Instant rolledThrough) {
    /** As {@code runHealthCheck}'s summary shows it. */
    DocWriter summary() {
      return DocWriter.create()
          .field("minutesSealed", minutesSealed)
          .field("minuteDocuments", minuteDocuments)
          .field("hoursRolledUp", hoursRolledUp)
          .field("sealedThrough", sealedThrough.toString())
          .field("rolledThrough", rolledThrough.toString());
    }
  }

  /** Minutes before this are final now. */
  Instant sealHorizon() {
    return BucketKey.minuteOf(clock.instant().minus(config.maxSampleAge()).minus(GRACE));
  }

  Result run() {
    Instant horizon = sealHorizon();
    MetricStore.Pipeline state =
        store
            .pipeline()
            .orElseGet(
                () -> {
                  Instant start = horizon.minus(FIRST_RUN_LOOKBACK);
                  return new MetricStore.Pipeline(start, BucketKey.hourOf(start));
                });

    List<Instant> minutes = BucketKey.steps(state.sealedThrough(), horizon, MINUTE);
    minutes = minutes.subList(0, Math.min(minutes.size(), MAX_MINUTES_PER_RUN));
    int minuteDocs = 0;
    Instant sealed = state.sealedThrough();
    if (!minutes.isEmpty()) {
      Map<BucketKey, BucketStats> live = store.readLive(keys(minutes));
      WriteBatch batch = store.batch();
      for (Map.Entry<BucketKey, BucketStats> e : live.entrySet()) {
        if (!e.getValue().isEmpty()) {
          store.writeMinute(batch, e.getKey(), e.getValue());
          minuteDocs++;
        }
      }
      sealed = minutes.get(minutes.size() - 1).plus(MINUTE);
      store.writePipeline(batch, new MetricStore.Pipeline(sealed, state.rolledThrough()));
      store.commit(batch);
    }

    List<Instant> hours = new ArrayList<>();
    for (Instant h = state.rolledThrough();
        !h.plus(HOUR).isAfter(sealed) && hours.size() < MAX_HOURS_PER_RUN;
        h = h.plus(HOUR)) {
      hours.add(h);
    }
    Instant rolled = state.rolledThrough();
    if (!hours.isEmpty()) {
      Map<BucketKey, BucketStats> perHour = new HashMap<>();
      List<Instant> hourMinutes = new ArrayList<>();
      hours.forEach(h -> hourMinutes.addAll(BucketKey.steps(h, h.plus(HOUR), MINUTE)));
      store
          .readMinutes(keys(hourMinutes))
          .forEach(
              (minute, stats) ->
                  perHour.merge(
                      new BucketKey(minute.service(), BucketKey.hourOf(minute.start())),
                      stats,
                      BucketStats::plus));
      WriteBatch batch = store.batch();
      perHour.forEach((hour, stats) -> store.writeRollup(batch, hour, stats));
      rolled = hours.get(hours.size() - 1).plus(HOUR);
      store.writePipeline(batch, new MetricStore.Pipeline(sealed, rolled));
      store.commit(batch);
    }
    return new Result(minutes.size(), minuteDocs, hours.size(), sealed, rolled);
  }

  private static List<BucketKey> keys(List<Instant> starts) {
    List<BucketKey> keys = new ArrayList<>();
    for (MonitoredService service : MonitoredService.values()) {
      for (Instant start : starts) {
        keys.add(new BucketKey(service, start));
      }
    }
    return keys;
  }
}

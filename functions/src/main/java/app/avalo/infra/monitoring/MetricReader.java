package app.avalo.infra.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads minute and hour aggregates from wherever they currently live: sealed minutes and hourly
 * rollups where the pipeline has produced them (one read each), the live shards otherwise (the last
 * few minutes, one read per shard). Callers never see the difference.
 */
final class MetricReader {
  private final MetricStore store;

  MetricReader(MetricStore store) {
    this.store = store;
  }

  /** Minute aggregates; minutes without samples are absent. */
  Map<BucketKey, BucketStats> minutes(Collection<BucketKey> keys) {
    MetricStore.Pipeline pipeline = store.pipeline().orElse(null);
    List<BucketKey> sealed = new ArrayList<>();
    List<BucketKey> live = new ArrayList<>();
    for (BucketKey key : keys) {
      (pipeline != null && key.start().isBefore(pipeline.sealedThrough()) ? sealed : live).add(key);
    }
    Map<BucketKey, BucketStats> result = new HashMap<>();
    if (!sealed.isEmpty()) {
      result.putAll(store.readMinutes(sealed));
    }
    if (!live.isEmpty()) {
      result.putAll(store.readLive(live));
    }
    return result;
  }

  /** Hour aggregates (keys start on whole hours); hours without samples are absent. */
  Map<BucketKey, BucketStats> hours(Collection<BucketKey> hours) {
    MetricStore.Pipeline pipeline = store.pipeline().orElse(null);
    List<BucketKey> rolled = new ArrayList<>();
    List<BucketKey> pending = new ArrayList<>();
    for (BucketKey hour : hours) {
      (pipeline != null && hour.start().isBefore(pipeline.rolledThrough()) ? rolled : pending)
          .add(hour);
    }
    Map<BucketKey, BucketStats> result = new HashMap<>();
    if (!rolled.isEmpty()) {
      result.putAll(store.readRollups(rolled));
    }
    if (!pending.isEmpty()) {
      List<BucketKey> minuteKeys = new ArrayList<>();
      for (BucketKey hour : pending) {
        for (Instant m :
            BucketKey.steps(
                hour.start(), hour.start().plus(Duration.ofHours(1)), Duration.ofMinutes(1))) {
          minuteKeys.add(new BucketKey(hour.service(), m));
        }
      }
      minutes(minuteKeys)
          .forEach(
              (minute, stats) ->
                  result.merge(
                      new BucketKey(minute.service(), BucketKey.hourOf(minute.start())),
                      stats,
                      BucketStats::plus));
    }
    return result;
  }

  /** Each service's samples over {@code [from, to)} (whole minutes). */
  Map<MonitoredService, BucketStats> window(
      Collection<MonitoredService> services, Instant from, Instant to) {
    List<BucketKey> keys = new ArrayList<>();
    for (MonitoredService service : services) {
      for (Instant m : BucketKey.steps(from, to, Duration.ofMinutes(1))) {
        keys.add(new BucketKey(service, m));
      }
    }
    Map<MonitoredService, BucketStats> totals = new HashMap<>();
    services.forEach(s -> totals.put(s, BucketStats.EMPTY));
    minutes(keys).forEach((key, stats) -> totals.merge(key.service(), stats, BucketStats::plus));
    return totals;
  }
}

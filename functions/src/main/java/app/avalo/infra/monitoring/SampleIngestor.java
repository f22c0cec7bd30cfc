package app.avalo.infra.monitoring;

import com.google.cloud.firestore.WriteBatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds validated samples into per-minute buckets: one increment per minute the samples span, on
 * one random shard of that minute's counter, all in one atomic batch. A call of 500 samples
 * therefore costs a handful of writes, never one per sample. Each sample is also counted against
 * the service's configured thresholds and by its region ({@link ThresholdCount}); the thresholds
 * come from the threshold store's per-instance cache, so a call reads nothing.
 */
final class SampleIngestor {
  private final MetricStore store;
  private final ThresholdStore thresholds;

  SampleIngestor(MetricStore store, ThresholdStore thresholds) {
    this.store = store;
    this.thresholds = thresholds;
  }

  /** What a track call recorded. */
  record Recorded(String service, int accepted, int buckets) {}

  Recorded record(MonitoredService service, List<Sample> samples) {
    List<Long> counted = thresholds.countedThresholds(service);
    Map<Instant, BucketStats.Accumulator> byMinute = new TreeMap<>();
    for (Sample sample : samples) {
      byMinute
          .computeIfAbsent(
              BucketKey.minuteOf(sample.at()), m -> new BucketStats.Accumulator(counted))
          .add(service.measure(), sample.value(), sample.success(), sample.region());
    }
    WriteBatch batch = store.batch();
    byMinute.forEach(
        (minute, acc) -> store.addToBucket(batch, new BucketKey(service, minute), acc.build()));
    store.commit(batch);
    return new Recorded(service.wire(), samples.size(), byMinute.size());
  }
}

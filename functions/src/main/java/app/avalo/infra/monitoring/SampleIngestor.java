package app.avalo.infra.monitoring;

import com.google.cloud.firestore.WriteBatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds validated samples into per-minute buckets: one increment per minute the samples span, on
 * one random shard of that minute's counter, all in one atomic batch. A call of 500 samples
 * therefore costs a handful of writes, never one per sample.
 */
final class SampleIngestor {
  private final MetricStore store;

  SampleIngestor(MetricStore store) {
    this.store = store;
  }

  /** What a track call recorded. */
  record Recorded(String service, int accepted, int buckets) {}

  Recorded record(MonitoredService service, List<Sample> samples) {
    Map<Instant, BucketStats.Accumulator> byMinute = new TreeMap<>();
    for (Sample sample : samples) {
      byMinute
          .computeIfAbsent(BucketKey.minuteOf(sample.at()), m -> new BucketStats.Accumulator())
          .add(service.measure(), sample.value(), sample.success());
    }
    WriteBatch batch = store.batch();
    byMinute.forEach(
        (minute, acc) -> store.addToBucket(batch, new BucketKey(service, minute), acc.build()));
    store.commit(batch);
    return new Recorded(service.wire(), samples.size(), byMinute.size());
  }
}

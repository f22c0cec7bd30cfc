package app.avalo.infra.monitoring;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The metric documents: every bucket document (live shard, sealed minute, rollup) carries flat
 * labels ({@code service}, {@code metric}, {@code minute} or {@code hour}, {@code expireAt} for a
 * TTL policy) beside the {@link BucketStats#fields()}; {@code monitoringState/pipeline} holds
 * {@code sealedThrough} and {@code rolledThrough}.
 */
final class MetricCodec {
  static final String MINUTE = "minute";
  static final String HOUR = "hour";

  private MetricCodec() {}

  /** The labels of a bucket starting at {@code key.start()} ({@code period} names its field). */
  static Map<String, Object> labels(BucketKey key, String period, Duration retention) {
    return DocWriter.create()
        .field("service", key.service().wire())
        .field("metric", key.service().measure().wire())
        .field(period, key.start())
        .field("expireAt", key.start().plus(retention))
        .map();
  }

  /** A sealed minute or rollup: its labels and its totals. */
  static Map<String, Object> bucket(
      BucketKey key, String period, Duration retention, BucketStats stats) {
    Map<String, Object> doc = labels(key, period, retention);
    doc.putAll(stats.fields());
    return doc;
  }

  /** The bucket a sealed minute document belongs to (from its labels). */
  static Optional<BucketKey> minuteKey(DocumentSnapshot minuteDoc) {
    DocReader d = DocReader.of(minuteDoc);
    return d.optionalString("service")
        .flatMap(MonitoredService::byWire)
        .flatMap(s -> d.optionalInstant(MINUTE).map(minute -> new BucketKey(s, minute)));
  }

  static Map<String, Object> toPipeline(MetricStore.Pipeline pipeline) {
    return DocWriter.create()
        .field("sealedThrough", pipeline.sealedThrough())
        .field("rolledThrough", pipeline.rolledThrough())
        .map();
  }

  static MetricStore.Pipeline fromPipeline(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new MetricStore.Pipeline(
        d.optionalInstant("sealedThrough").orElse(null),
        d.optionalInstant("rolledThrough").orElse(null));
  }
}

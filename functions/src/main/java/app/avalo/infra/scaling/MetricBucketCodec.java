package app.avalo.infra.scaling;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code scalingMetrics/{service}@{minute}} and {@code scalingMetricsHourly/{service}@{hour}}: sums
 * a sample adds by server-side increments (merged, so concurrent reporters never lose one), read
 * back as averages. A missing or empty bucket reads as null.
 */
final class MetricBucketCodec {
  private MetricBucketCodec() {}

  static Map<String, Object> minuteIncrement(MetricSample s, Instant minute, Duration retention) {
    return DocWriter.create()
        .field("service", s.service().id())
        .field("minute", minute)
        .field("samples", FieldValue.increment(1))
        .field("cpuSum", FieldValue.increment(s.cpu()))
        .field("memorySum", FieldValue.increment(s.memory()))
        .field("rpsSum", FieldValue.increment(s.rps()))
        .field("instancesSum", FieldValue.increment(s.instances()))
        .field("lastAt", s.at())
        .field("lastInstances", s.instances())
        .field("expireAt", minute.plus(retention))
        .map();
  }

  static Map<String, Object> hourIncrement(MetricSample s, Instant hour, Duration retention) {
    return DocWriter.create()
        .field("service", s.service().id())
        .field("hour", hour)
        .field("samples", FieldValue.increment(1))
        .field("rpsSum", FieldValue.increment(s.rps()))
        .field("expireAt", hour.plus(retention))
        .map();
  }

  static MinuteBucket minute(DocumentSnapshot doc) {
    long samples = number(doc, "samples").longValue();
    if (!doc.exists() || samples <= 0) {
      return null;
    }
    return new MinuteBucket(
        DocReader.of(doc).instant("minute"),
        samples,
        number(doc, "cpuSum").doubleValue() / samples,
        number(doc, "memorySum").doubleValue() / samples,
        number(doc, "rpsSum").doubleValue() / samples,
        number(doc, "instancesSum").doubleValue() / samples,
        DocReader.of(doc).instant("lastAt"),
        number(doc, "lastInstances").longValue());
  }

  /** The hour bucket at {@code hour} (ids name the hour, so it is not read from the document). */
  static HourBucket hour(DocumentSnapshot doc, Instant hour) {
    long samples = number(doc, "samples").longValue();
    if (!doc.exists() || samples <= 0) {
      return null;
    }
    return new HourBucket(hour, samples, number(doc, "rpsSum").doubleValue() / samples);
  }

  /** Sums are read leniently: a field not yet incremented counts as 0. */
  private static Number number(DocumentSnapshot doc, String field) {
    Object v = doc.exists() ? doc.get(field) : null;
    return v instanceof Number n ? n : 0;
  }
}

package app.avalo.infra.scaling;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics rolling window: one bucket document per service and minute ({@code
 * scalingMetrics/{service}@{yyyy-MM-ddTHH:mm}Z}) and one per service and hour ({@code
 * scalingMetricsHourly/{service}@{yyyy-MM-ddTHH}Z}, the baseline for viral detection). A sample is
 * two server-side increments of top-level sums in one batch — never a document per sample — so a
 * reporter every 5-15 s keeps each bucket far under Firestore's ~1 write/s per document. Readers
 * fetch buckets by id, so no query (and no index) is involved. Both kinds carry {@code expireAt}
 * for a Firestore TTL policy.
 */
public final class ServiceMetricsStore {
  public static final String MINUTES = "scalingMetrics";
  public static final String HOURS = "scalingMetricsHourly";
  private static final Duration MINUTE_RETENTION = Duration.ofDays(2);
  private static final DateTimeFormatter MINUTE_ID =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR_ID =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH'Z'").withZone(ZoneOffset.UTC);

  /** One validated report from a service. */
  public record Sample(
      LogicalService service, double cpu, double memory, double rps, long instances, Instant at) {}

  /** A minute's aggregate: averages over its samples plus the newest sample's values. */
  public record MinuteBucket(
      Instant minute,
      long samples,
      double cpu,
      double memory,
      double rps,
      double instancesAvg,
      Instant lastAt,
      long lastInstances) {}

  /** An hour's mean request rate. */
  public record HourBucket(Instant hour, long samples, double rps) {}

  private final Firestore db;
  private final Duration hourRetention;

  public ServiceMetricsStore(Firestore db, Duration hourRetention) {
    this.db = db;
    this.hourRetention = hourRetention;
  }

  public void record(Sample s) {
    Instant minute = s.at().truncatedTo(ChronoUnit.MINUTES);
    Instant hour = s.at().truncatedTo(ChronoUnit.HOURS);
    Map<String, Object> m = new HashMap<>();
    m.put("service", s.service().id());
    m.put("minute", Firestores.timestamp(minute));
    m.put("samples", FieldValue.increment(1));
    m.put("cpuSum", FieldValue.increment(s.cpu()));
    m.put("memorySum", FieldValue.increment(s.memory()));
    m.put("rpsSum", FieldValue.increment(s.rps()));
    m.put("instancesSum", FieldValue.increment(s.instances()));
    m.put("lastAt", Firestores.timestamp(s.at()));
    m.put("lastInstances", s.instances());
    m.put("expireAt", Firestores.timestamp(minute.plus(MINUTE_RETENTION)));
    Map<String, Object> h = new HashMap<>();
    h.put("service", s.service().id());
    h.put("hour", Firestores.timestamp(hour));
    h.put("samples", FieldValue.increment(1));
    h.put("rpsSum", FieldValue.increment(s.rps()));
    h.put("expireAt", Firestores.timestamp(hour.plus(hourRetention)));
    WriteBatch batch = db.batch();
    batch.set(minuteRef(s.service(), minute), m, SetOptions.merge());
    batch.set(hourRef(s.service(), hour), h, SetOptions.merge());
    Firestores.await(batch.commit());
  }

  /**
   * The buckets that exist for the minutes {@code from..to} (inclusive, truncated), oldest first.
   */
  public List<MinuteBucket> minutes(LogicalService service, Instant from, Instant to) {
    Instant first = from.truncatedTo(ChronoUnit.MINUTES);
    Instant last = to.truncatedTo(ChronoUnit.MINUTES);
    List<DocumentReference> refs = new ArrayList<>();
    for (Instant m = first; !m.isAfter(last); m = m.plus(Duration.ofMinutes(1))) {
      refs.add(minuteRef(service, m));
    }
    List<MinuteBucket> buckets = new ArrayList<>();
    if (refs.isEmpty()) {
      return buckets;
    }
    for (DocumentSnapshot doc :
        Firestores.await(db.getAll(refs.toArray(DocumentReference[]::new)))) {
      long samples = number(doc, "samples").longValue();
      if (!doc.exists() || samples <= 0) {
        continue;
      }
      buckets.add(
          new MinuteBucket(
              Firestores.instant(doc.getTimestamp("minute")),
              samples,
              number(doc, "cpuSum").doubleValue() / samples,
              number(doc, "memorySum").doubleValue() / samples,
              number(doc, "rpsSum").doubleValue() / samples,
              number(doc, "instancesSum").doubleValue() / samples,
              Firestores.instant(doc.getTimestamp("lastAt")),
              number(doc, "lastInstances").longValue()));
    }
    return buckets;
  }

  /** The hour buckets at the given hour starts, in the same order; null where none exists. */
  public List<HourBucket> hours(LogicalService service, List<Instant> hourStarts) {
    List<HourBucket> out = new ArrayList<>();
    if (hourStarts.isEmpty()) {
      return out;
    }
    DocumentReference[] refs =
        hourStarts.stream().map(h -> hourRef(service, h)).toArray(DocumentReference[]::new);
    List<DocumentSnapshot> docs = Firestores.await(db.getAll(refs));
    for (int i = 0; i < docs.size(); i++) {
      DocumentSnapshot doc = docs.get(i);
      long samples = number(doc, "samples").longValue();
      out.add(
          doc.exists() && samples > 0
              ? new HourBucket(
                  hourStarts.get(i), samples, number(doc, "rpsSum").doubleValue() / samples)
              : null);
    }
    return out;
  }

  private DocumentReference minuteRef(LogicalService service, Instant minute) {
    return db.collection(MINUTES).document(service.id() + "@" + MINUTE_ID.format(minute));
  }

  private DocumentReference hourRef(LogicalService service, Instant hour) {
    return db.collection(HOURS).document(service.id() + "@" + HOUR_ID.format(hour));
  }

  private static Number number(DocumentSnapshot doc, String field) {
    Object v = doc.exists() ? doc.get(field) : null;
    return v instanceof Number n ? n : 0;
  }
}

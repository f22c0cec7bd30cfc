package app.avalo.infra.scaling;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics rolling window: one bucket document per service and minute ({@code
 * scalingMetrics/{service}@{yyyy-MM-ddTHH:mm}Z}) and one per service and hour ({@code
 * scalingMetricsHourly/{service}@{yyyy-MM-ddTHH}Z}, the baseline for viral detection). A sample is
 * two server-side increments of top-level sums in one batch — never a document per sample — so a
 * reporter every 5-15 s keeps each bucket far under Firestore's ~1 write/s per document. Readers
 * fetch buckets by id, so no query (and no index) is involved. Both kinds carry {@code expireAt}
 * for a Firestore TTL policy; their fields are {@link MetricBucketCodec}'s.
 */
final class ServiceMetricsStore {
  static final String MINUTES = "scalingMetrics";
  static final String HOURS = "scalingMetricsHourly";
  private static final Duration MINUTE_RETENTION = Duration.ofDays(2);
  private static final DateTimeFormatter MINUTE_ID =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR_ID =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH'Z'").withZone(ZoneOffset.UTC);

  private final Firestore db;
  private final Duration hourRetention;

  ServiceMetricsStore(Firestore db, Duration hourRetention) {
    this.db = db;
    this.hourRetention = hourRetention;
  }

  void record(MetricSample s) {
    Instant minute = s.at().truncatedTo(ChronoUnit.MINUTES);
    Instant hour = s.at().truncatedTo(ChronoUnit.HOURS);
    WriteBatch batch = db.batch();
    batch.set(
        minuteRef(s.service(), minute),
        MetricBucketCodec.minuteIncrement(s, minute, MINUTE_RETENTION),
        SetOptions.merge());
    batch.set(
        hourRef(s.service(), hour),
        MetricBucketCodec.hourIncrement(s, hour, hourRetention),
        SetOptions.merge());
    Firestores.await(batch.commit());
  }

  /**
   * The buckets that exist for the minutes {@code from..to} (inclusive, truncated), oldest first.
   */
  List<MinuteBucket> minutes(LogicalService service, Instant from, Instant to) {
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
      MinuteBucket bucket = MetricBucketCodec.minute(doc);
      if (bucket != null) {
        buckets.add(bucket);
      }
    }
    return buckets;
  }

  /** The hour buckets at the given hour starts, in the same order; null where none exists. */
  List<HourBucket> hours(LogicalService service, List<Instant> hourStarts) {
    List<HourBucket> out = new ArrayList<>();
    if (hourStarts.isEmpty()) {
      return out;
    }
    DocumentReference[] refs =
        hourStarts.stream().map(h -> hourRef(service, h)).toArray(DocumentReference[]::new);
    List<DocumentSnapshot> docs = Firestores.await(db.getAll(refs));
    for (int i = 0; i < docs.size(); i++) {
      out.add(MetricBucketCodec.hour(docs.get(i), hourStarts.get(i)));
    }
    return out;
  }

  private DocumentReference minuteRef(LogicalService service, Instant minute) {
    return db.collection(MINUTES).document(service.id() + "@" + MINUTE_ID.format(minute));
  }

  private DocumentReference hourRef(LogicalService service, Instant hour) {
    return db.collection(HOURS).document(service.id() + "@" + HOUR_ID.format(hour));
  }
}

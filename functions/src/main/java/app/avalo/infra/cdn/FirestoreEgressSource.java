package app.avalo.infra.cdn;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Egress recorded in {@code cdnEgress} by {@link EgressRecorder}: buckets whose start is in the
 * window.
 */
final class FirestoreEgressSource implements EgressSource {
  private final Firestore db;

  FirestoreEgressSource(Firestore db) {
    this.db = db;
  }

  @Override
  public String name() {
    return "firestore";
  }

  @Override
  public List<Sample> read(Instant from, Instant to) {
    Map<String, long[]> sums = new TreeMap<>();
    for (DocumentSnapshot doc :
        Firestores.await(
                db.collection(CdnCollections.EGRESS)
                    .whereGreaterThanOrEqualTo("bucketStart", Firestores.timestamp(from))
                    .whereLessThan("bucketStart", Firestores.timestamp(to))
                    .get())
            .getDocuments()) {
      long[] s =
          sums.computeIfAbsent(
              doc.getString("assetType") + "\u0000" + doc.getString("region"), k -> new long[3]);
      s[0] += value(doc, "bytes");
      s[1] += value(doc, "requests");
      s[2] += value(doc, "cacheHits");
    }
    List<Sample> samples = new ArrayList<>();
    sums.forEach(
        (key, s) -> {
          String[] parts = key.split("\u0000", 2);
          samples.add(new Sample(parts[0], parts[1], s[0], s[1], s[2]));
        });
    return samples;
  }

  private static long value(DocumentSnapshot doc, String field) {
    Long v = doc.getLong(field);
    return v == null ? 0 : v;
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.SetOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes served egress into {@code cdnEgress}: one document per 5-minute bucket, region and asset
 * type, summed with server-side increments. This is what {@link FirestoreEgressSource} reads — fed
 * by a CDN log consumer, the local demo seed, or tests. Each document takes at most the writes of
 * one (bucket, region, type) combination, so writers batch before recording at volume.
 */
public final class EgressRecorder {
  static final Duration BUCKET = Duration.ofMinutes(5);
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_\\-]{1,40}");
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

  private final Firestore db;

  public EgressRecorder(Firestore db) {
    this.db = db;
  }

  /**
   * Adds egress served at {@code at}: bytes and requests, of which {@code cacheHits} came from the
   * edge cache.
   */
  public void record(
      Instant at, String assetType, String region, long bytes, long requests, long cacheHits) {
    if (!LABEL.matcher(assetType).matches() || !LABEL.matcher(region).matches()) {
      throw ApiException.invalidArgument(
          "egress", "asset type and region must be 1-40 letters, digits, '_' or '-'");
    }
    if (bytes < 0 || requests < 0 || cacheHits < 0 || cacheHits > requests) {
      throw ApiException.invalidArgument("egress", "counts must be ≥ 0 and cache hits ≤ requests");
    }
    Instant bucket =
        Instant.ofEpochSecond(
            at.getEpochSecond() - Math.floorMod(at.getEpochSecond(), BUCKET.toSeconds()));
    Map<String, Object> doc = new HashMap<>();
    doc.put("bucketStart", Firestores.timestamp(bucket));
    doc.put("assetType", assetType);
    doc.put("region", region);
    doc.put("bytes", FieldValue.increment(bytes));
    doc.put("requests", FieldValue.increment(requests));
    doc.put("cacheHits", FieldValue.increment(cacheHits));
    Firestores.await(
        db.collection(CdnCollections.EGRESS)
            .document(ID.format(bucket) + "~" + region + "~" + assetType)
            .set(doc, SetOptions.merge()));
  }
}

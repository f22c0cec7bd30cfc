package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
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

  private final TrafficStore traffic;

  EgressRecorder(TrafficStore traffic) {
    this.traffic = traffic;
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
    traffic.addEgress(bucket, assetType, region, bytes, requests, cacheHits);
  }
}

package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Egress recorded in {@code cdnEgress} by {@link EgressRecorder}: buckets whose start is in the
 * window, summed per asset type and region.
 */
final class FirestoreEgressSource implements EgressSource {
  private final TrafficStore traffic;

  FirestoreEgressSource(TrafficStore traffic) {
    this.traffic = traffic;
  }

  @Override
  public String name() {
    return "firestore";
  }

  @Override
  public List<Sample> read(Instant from, Instant to) {
    Map<String, long[]> sums = new TreeMap<>();
    for (Sample bucket : traffic.egressBuckets(from, to)) {
      long[] s =
          sums.computeIfAbsent(bucket.assetType() + "\u0000" + bucket.region(), k -> new long[3]);
      s[0] += bucket.bytes();
      s[1] += bucket.requests();
      s[2] += bucket.cacheHits();
    }
    List<Sample> samples = new ArrayList<>();
    sums.forEach(
        (key, s) -> {
          String[] parts = key.split("\u0000", 2);
          samples.add(new Sample(parts[0], parts[1], s[0], s[1], s[2]));
        });
    return samples;
  }
}

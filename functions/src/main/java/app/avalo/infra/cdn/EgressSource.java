package app.avalo.infra.cdn;

import java.time.Instant;
import java.util.List;

/**
 * Where CDN egress and cache hit/miss numbers come from: {@link FirestoreEgressSource} (egress
 * recorded into {@code cdnEgress} by {@link EgressRecorder}) or {@link CloudMonitoringEgressSource}
 * (the external HTTPS load balancer's metrics in production). Chosen by {@code CDN_EGRESS_SOURCE}.
 */
public interface EgressSource {
  /** Egress of one asset type ({@code all} when the source cannot tell) from one region. */
  record Sample(String assetType, String region, long bytes, long requests, long cacheHits) {}

  String name();

  /** The egress served in {@code [from, to)}, one sample per (asset type, region) at most. */
  List<Sample> read(Instant from, Instant to) throws Exception;
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The fields of the CDN's traffic documents (docs/cdn.md): metrics snapshots ({@code cdnMetrics}),
 * bandwidth hours ({@code cdnBandwidth}), egress buckets ({@code cdnEgress}) and bandwidth cost
 * inputs ({@code cdnBandwidthCosts}).
 */
final class TrafficCodec {
  static final String WINDOW_END = "windowEnd";
  static final String HOUR_START = "hourStart";
  static final String BUCKET_START = "bucketStart";

  private TrafficCodec() {}

  static Map<String, Object> snapshot(MetricsSnapshot s, Instant expireAt) {
    DocWriter byType = DocWriter.create();
    s.byType()
        .forEach(
            (type, t) ->
                byType.field(
                    type,
                    DocWriter.create()
                        .field("assets", t.assets())
                        .field("bytes", t.bytes())
                        .field("variants", t.variants())
                        .field("failed", t.failed())
                        .field("processing", t.processing())));
    MetricsSnapshot.Traffic e = s.egress();
    return DocWriter.create()
        .field("windowStart", s.windowStart())
        .field(WINDOW_END, s.windowEnd())
        .field("computedAt", s.computedAt())
        .field("assets", s.assets())
        .field("bytes", s.bytes())
        .field("variants", s.variants())
        .field("failed", s.failed())
        .field("processing", s.processing())
        .field("byType", byType)
        .field(
            "egress",
            DocWriter.create()
                .field("source", e.source())
                .field("bytes", e.bytes())
                .field("requests", e.requests())
                .field("cacheHits", e.cacheHits())
                .fieldOrNull("hitRatio", e.hitRatio()))
        .field("staleMarkedFailed", s.staleMarkedFailed())
        .field("expireAt", expireAt)
        .map();
  }

  static MetricsSnapshot snapshot(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    Map<String, MetricsSnapshot.TypeTotals> byType = new LinkedHashMap<>();
    DocReader types = d.optionalMap("byType").orElse(DocReader.of(doc.getId(), Map.of()));
    for (AssetType type : AssetType.values()) {
      types
          .optionalMap(type.wire())
          .ifPresent(
              t ->
                  byType.put(
                      type.wire(),
                      new MetricsSnapshot.TypeTotals(
                          t.longValue("assets"),
                          t.longValue("bytes"),
                          t.longValue("variants"),
                          t.longValue("failed"),
                          t.longValue("processing"))));
    }
    DocReader e = d.map("egress");
    return new MetricsSnapshot(
        d.instant("windowStart"),
        d.instant(WINDOW_END),
        d.instant("computedAt"),
        d.longValue("assets"),
        d.longValue("bytes"),
        d.longValue("variants"),
        d.longValue("failed"),
        d.longValue("processing"),
        byType,
        new MetricsSnapshot.Traffic(
            e.optionalString("source").orElse(null),
            e.longValue("bytes"),
            e.longValue("requests"),
            e.longValue("cacheHits"),
            e.optionalDouble("hitRatio").orElse(null)),
        d.optionalLong("staleMarkedFailed").orElse(0L));
  }

  /** The window a stored snapshot ends at (empty: no snapshot). */
  static Optional<Instant> windowEnd(DocumentSnapshot doc) {
    return DocReader.of(doc).optionalInstant(WINDOW_END);
  }

  static Map<String, Object> hour(BandwidthHour h) {
    return DocWriter.create()
        .field(HOUR_START, h.hourStart())
        .field("hourEnd", h.hourEnd())
        .field("source", h.source())
        .field("totalBytes", h.totalBytes())
        .field("requests", h.requests())
        .field("cacheHits", h.cacheHits())
        .field("byType", h.byType())
        .field("byRegion", h.byRegion())
        .field(
            "entries",
            h.entries().stream()
                .map(
                    s ->
                        DocWriter.create()
                            .field("assetType", s.assetType())
                            .field("region", s.region())
                            .field("bytes", s.bytes())
                            .field("requests", s.requests())
                            .field("cacheHits", s.cacheHits()))
                .toList())
        .field("spikes", h.spikes().stream().map(TrafficCodec::spike).toList())
        .field("baselineHours", h.baselineHours())
        .map();
  }

  /** A spike as stored on its hour and as the alert's details. */
  static DocWriter spike(BandwidthHour.Spike s) {
    return DocWriter.create()
        .field("scope", s.scope())
        .field(HOUR_START, s.hourStart())
        .field("bytes", s.bytes())
        .field("baselineMedianBytes", s.baselineMedianBytes())
        .field("thresholdBytes", s.thresholdBytes());
  }

  static BandwidthHour hour(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new BandwidthHour(
        d.instant(HOUR_START),
        d.optionalInstant("hourEnd").orElse(null),
        d.optionalString("source").orElse(null),
        d.optionalLong("totalBytes").orElse(0L),
        d.optionalLong("requests").orElse(0L),
        d.optionalLong("cacheHits").orElse(0L),
        counts(doc, "byType"),
        counts(doc, "byRegion"),
        d.maps("entries").stream().map(TrafficCodec::sample).toList(),
        d.maps("spikes").stream()
            .map(
                s ->
                    new BandwidthHour.Spike(
                        s.string("scope"),
                        s.string(HOUR_START),
                        s.longValue("bytes"),
                        s.longValue("baselineMedianBytes"),
                        s.longValue("thresholdBytes")))
            .toList(),
        d.optionalLong("baselineHours").orElse(0L));
  }

  /** A map of byte counts keyed by asset type or region (keys are data, so not named here). */
  private static Map<String, Long> counts(DocumentSnapshot doc, String field) {
    Map<String, Long> out = new TreeMap<>();
    if (doc.get(field) instanceof Map<?, ?> m) {
      DocReader values = DocReader.of(doc.getReference().getPath() + "." + field, cast(m));
      for (Object key : m.keySet()) {
        out.put((String) key, values.longValue((String) key));
      }
    } else if (doc.get(field) != null) {
      throw new IllegalStateException(
          doc.getReference().getPath() + ": field '" + field + "' should be a map");
    }
    return out;
  }

  @SuppressWarnings("unchecked") // Firestore maps have string keys
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  /** Adds served egress to one bucket document with server-side increments. */
  static Map<String, Object> egress(
      Instant bucket, String assetType, String region, long bytes, long requests, long hits) {
    return DocWriter.create()
        .field(BUCKET_START, bucket)
        .field("assetType", assetType)
        .field("region", region)
        .field("bytes", FieldValue.increment(bytes))
        .field("requests", FieldValue.increment(requests))
        .field("cacheHits", FieldValue.increment(hits))
        .map();
  }

  static EgressSource.Sample egressSample(DocumentSnapshot doc) {
    return sample(DocReader.of(doc));
  }

  private static EgressSource.Sample sample(DocReader d) {
    return new EgressSource.Sample(
        d.optionalString("assetType").orElse(null),
        d.optionalString("region").orElse(null),
        d.optionalLong("bytes").orElse(0L),
        d.optionalLong("requests").orElse(0L),
        d.optionalLong("cacheHits").orElse(0L));
  }

  static Map<String, Object> costInput(BandwidthCostSink.Usage u, Instant recordedAt) {
    return DocWriter.create()
        .field("service", u.service())
        .field("region", u.region())
        .field("assetType", u.assetType())
        .field("bytes", u.bytes())
        .field("periodStart", u.periodStart())
        .field("periodEnd", u.periodEnd())
        .field("recordedAt", recordedAt)
        .map();
  }
}

package app.avalo.infra.monitoring;

import java.util.List;

/**
 * The custom metrics {@code exportMetrics} writes to Cloud Monitoring, one point per service (and
 * region, where a bucket has one) per sealed minute. All are GAUGE: each point describes its own
 * minute. Custom metrics ({@code custom.googleapis.com}) cannot be DELTA, and a CUMULATIVE
 * distribution would need a running sum since a fixed start time that resets on every gap, which
 * per-minute buckets read back from Firestore do not have; a GAUGE distribution of "this minute's
 * samples" is what the buckets are (value types and metric kinds:
 * https://cloud.google.com/monitoring/api/v3/kinds-and-types, footnote 1 of the combinations
 * table).
 */
enum ExportedMetric {
  LATENCY(
      "avalo/latency",
      Kind.DISTRIBUTION,
      "ms",
      "Per-minute latency histogram of a service's samples (Avalo monitoring buckets)."),
  PACKET_LOSS(
      "avalo/packet_loss",
      Kind.DISTRIBUTION,
      "%",
      "Per-minute packet-loss histogram of a service's samples, in percent."),
  SAMPLE_COUNT("avalo/sample_count", Kind.INT64, "1", "Samples reported in the minute."),
  ERROR_COUNT("avalo/error_count", Kind.INT64, "1", "Failed samples reported in the minute."),
  ERROR_RATE(
      "avalo/error_rate",
      Kind.DOUBLE,
      "1",
      "Failed over all samples in the minute (0..1); no point for a minute without samples.");

  static final String PREFIX = "custom.googleapis.com/";
  static final String SERVICE_LABEL = "service";
  static final String REGION_LABEL = "region";
  static final List<String> LABELS = List.of(SERVICE_LABEL, REGION_LABEL);

  /** The point's value type. */
  enum Kind {
    DISTRIBUTION,
    INT64,
    DOUBLE
  }

  private final String path;
  private final Kind kind;
  private final String unit;
  private final String description;

  ExportedMetric(String path, Kind kind, String unit, String description) {
    this.path = path;
    this.kind = kind;
    this.unit = unit;
    this.description = description;
  }

  /** The metric type, e.g. {@code custom.googleapis.com/avalo/latency}. */
  String type() {
    return PREFIX + path;
  }

  Kind kind() {
    return kind;
  }

  /** The UCUM unit of the descriptor. */
  String unit() {
    return unit;
  }

  String description() {
    return description;
  }

  /** The distribution metric of a measure. */
  static ExportedMetric distributionOf(Measure measure) {
    return switch (measure) {
      case LATENCY -> LATENCY;
      case PACKET_LOSS -> PACKET_LOSS;
    };
  }
}

package app.avalo.infra.monitoring;

/**
 * The quantity a service's samples measure and its histogram records. The histogram works in whole
 * resolution units (1 ms for latency, 0.01 percentage points for packet loss), so one fixed layout
 * ({@link LogHistogram}) serves every measure.
 */
public enum Measure {
  LATENCY("latency", "latencyMs", "ms", 1.0, 120_000),
  PACKET_LOSS("packetLoss", "packetLossPct", "%", 0.01, 100);

  private final String wire;
  private final String sampleField;
  private final String unit;
  private final double resolution;
  private final double max;

  Measure(String wire, String sampleField, String unit, double resolution, double max) {
    this.wire = wire;
    this.sampleField = sampleField;
    this.unit = unit;
    this.resolution = resolution;
    this.max = max;
  }

  /** The name in bucket labels and API output. */
  public String wire() {
    return wire;
  }

  /** The field of a sample that carries the value. */
  public String sampleField() {
    return sampleField;
  }

  public String unit() {
    return unit;
  }

  /** The smallest difference the histogram resolves, in the measure's unit. */
  public double resolution() {
    return resolution;
  }

  /** The largest accepted sample value (a 2-minute latency is a timeout, not a latency). */
  public double max() {
    return max;
  }

  /** The value in histogram units. */
  double toUnits(double value) {
    return value / resolution;
  }
}

package app.avalo.infra.monitoring;

import java.time.Instant;

/**
 * One validated observation: when, the measured value (in the measure's unit), whether it
 * succeeded, and the region that served it (a routing region id, or null when not reported).
 */
public record Sample(Instant at, double value, boolean success, String region) {
  public Sample(Instant at, double value, boolean success) {
    this(at, value, success, null);
  }
}

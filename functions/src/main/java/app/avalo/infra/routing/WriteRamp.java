package app.avalo.infra.routing;

import java.time.Duration;

/**
 * Firestore's "500/50/5" rule for write traffic to a new or cold key range: start at {@code
 * startPerSecond} and raise the rate by 50% every 5 minutes, so Firestore can split the ranges as
 * the load grows.
 */
public record WriteRamp(double startPerSecond, Duration step, double growth) {
  static final Duration STEP = Duration.ofMinutes(5);
  static final double GROWTH = 1.5;

  public static WriteRamp of(double startPerSecond) {
    return new WriteRamp(startPerSecond, STEP, GROWTH);
  }

  /** The allowed writes per second {@code elapsed} after the migration started. */
  public double writesPerSecond(Duration elapsed) {
    long steps = Math.max(0, elapsed.toNanos() / step.toNanos());
    return startPerSecond * Math.pow(growth, (double) Math.min(steps, 60));
  }

  /** How long moving {@code users} takes at this ramp (the benchmark's projection). */
  public Duration timeToMove(long users) {
    double left = users;
    long steps = 0;
    while (true) {
      double rate = startPerSecond * Math.pow(growth, (double) steps);
      double inStep = rate * step.toSeconds();
      if (inStep >= left) {
        return step.multipliedBy(steps).plusMillis((long) (left / rate * 1000));
      }
      left -= inStep;
      steps++;
    }
  }
}

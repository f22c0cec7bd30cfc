package app.avalo.infra.monitoring;

import java.time.Instant;

/**
 * Where a threshold's alerting stands between evaluations: whether its alert is open, how many
 * healthy windows and how many breaching windows (the pending period) in a row, and the last window
 * evaluated. Written in the same transaction as the alert change it goes with.
 */
record RuleState(
    boolean firing,
    int healthyStreak,
    int breachStreak,
    Instant lastWindowEnd,
    String lastOutcome) {
  static final RuleState INITIAL = new RuleState(false, 0, 0, null, null);

  /** Whether the window ending at {@code windowEnd} is still to be evaluated. */
  boolean evaluates(Instant windowEnd) {
    return lastWindowEnd == null || windowEnd.isAfter(lastWindowEnd);
  }
}

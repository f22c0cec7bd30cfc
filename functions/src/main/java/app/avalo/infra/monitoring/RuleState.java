package app.avalo.infra.monitoring;

import java.time.Instant;

/** Where a threshold's alerting stands between evaluations. */
record RuleState(boolean firing, int healthyStreak, Instant lastWindowEnd, String lastOutcome) {
  static final RuleState INITIAL = new RuleState(false, 0, null, null);
}

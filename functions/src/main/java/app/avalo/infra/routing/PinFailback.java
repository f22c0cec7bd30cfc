package app.avalo.infra.routing;

import java.time.Duration;
import java.time.Instant;

/**
 * When a pin that a failover moved goes back to the user's home region: once the home region has
 * been healthy (and not draining) for {@code after}, on the user's next pinned call, at most {@code
 * perSecond} moves per second per instance, so a recovered region gets its users back gradually
 * rather than all at once. A zero {@code after} turns fail-back off (users stay where they were
 * moved).
 */
final class PinFailback {
  private final Duration after;
  private final int perSecond;
  private long windowSecond = Long.MIN_VALUE;
  private int usedInWindow;

  PinFailback(Duration after, int perSecond) {
    this.after = after;
    this.perSecond = perSecond;
  }

  boolean enabled() {
    return !after.isZero();
  }

  /** True when {@code home} has been healthy for the configured period at {@code now}. */
  boolean homeIsReady(Region home, Instant now) {
    if (!enabled() || home.status(now) != RegionStatus.HEALTHY) {
      return false;
    }
    Instant since = home.statusChangedAt();
    if (home.drain() != null
        && home.drain().until() != null
        && (since == null || home.drain().until().isAfter(since))) {
      since = home.drain().until();
    }
    return since != null && !since.plus(after).isAfter(now);
  }

  /** Takes one move of this second's allowance; false when it is used up. */
  synchronized boolean tryTake(Instant now) {
    long second = now.getEpochSecond();
    if (second != windowSecond) {
      windowSecond = second;
      usedInWindow = 0;
    }
    if (usedInWindow >= perSecond) {
      return false;
    }
    usedInWindow++;
    return true;
  }

  Duration after() {
    return after;
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code checkThrottle}'s decision for one user and service, cheapest check first:
 *
 * <ol>
 *   <li>abuse throttle — the user was flagged by fraud detection and the throttle has not expired;
 *   <li>budget throttle — the service's monthly spend passed its throttle line and no admin
 *       override is active (retry when the month ends);
 *   <li>per-user rate limit — GCRA for the service ({@link RateLimiter}); only this step writes.
 * </ol>
 *
 * A denied request does not consume rate-limit capacity. Abuse throttles, budgets, overrides, spend
 * estimates and rate-limit settings come from this instance's cache (≤ {@code COST_CACHE_MILLIS}
 * old); the rate limit itself is always decided in Firestore (or denied from the local fast path).
 */
public final class ThrottleGate {
  private static final String KEY = "limits";

  private final ThrottleStore store;
  private final PricingStore pricing;
  private final BudgetMonitor budgets;
  private final RateLimiter limiter;
  private final Clock clock;
  private final LocalCache<String, Map<CostService, RateLimit>> limits;
  private final LocalCache<String, Optional<Instant>> abuse;

  ThrottleGate(
      ThrottleStore store,
      PricingStore pricing,
      BudgetMonitor budgets,
      RateLimiter limiter,
      Clock clock,
      Duration ttl) {
    this.store = store;
    this.pricing = pricing;
    this.budgets = budgets;
    this.limiter = limiter;
    this.clock = clock;
    this.limits = new LocalCache<>(clock, ttl, 1);
    this.abuse = new LocalCache<>(clock, ttl, 100_000);
  }

  /** checkThrottle's answer. */
  public record Verdict(String service, boolean allowed, String reason, long retryAfterMs) {}

  public Verdict check(CostService service, String userId) {
    return acquire(service, userId, 1);
  }

  /**
   * {@code acquireQuota}: the same decision for {@code units} slots of the user's rate limit at
   * once (all or none), so a backend about to spend on the user's behalf is held to the same limit,
   * budget and abuse state as the app's {@code checkThrottle}. More units than the limit's burst
   * could never be granted: INVALID_ARGUMENT on {@code units}.
   */
  public Verdict acquire(CostService service, String userId, long units) {
    Instant now = clock.instant();
    Optional<Instant> abusedUntil = abuse.get(userId, () -> store.abuseThrottledUntil(userId));
    if (abusedUntil.isPresent() && abusedUntil.get().isAfter(now)) {
      return deny(service, "abuse", Duration.between(now, abusedUntil.get()));
    }
    Optional<Duration> budget = budgets.throttledFor(service, now);
    if (budget.isPresent()) {
      return deny(service, "budget", budget.get());
    }
    RateLimit limit = limits.get(KEY, pricing::rateLimits).get(service);
    if (limit == null) {
      return new Verdict(service.wire(), true, null, 0);
    }
    if (units > limit.burst()) {
      throw ApiException.invalidArgument(
          "units",
          "must be at most "
              + limit.burst()
              + " (the "
              + service.wire()
              + " limit's burst): more could never be granted at once");
    }
    RateLimiter.Decision decision = limiter.acquire(service, userId, limit, units);
    if (decision.allowed()) {
      return new Verdict(service.wire(), true, null, 0);
    }
    return new Verdict(
        service.wire(), false, decision.reason(), ceilMillis(decision.retryAfterMicros()));
  }

  private static Verdict deny(CostService service, String reason, Duration retryAfter) {
    return new Verdict(service.wire(), false, reason, Math.max(1, retryAfter.toMillis()));
  }

  private static long ceilMillis(long micros) {
    return Math.max(1, (micros + 999) / 1000);
  }

  /** How many users are abuse-throttled at {@code now} (one aggregation query). */
  long abuseThrottledUsers(Instant now) {
    return store.activeAbuseThrottles(now);
  }

  /**
   * Forgets this instance's cached abuse state for a user (after fraud detection changed it here).
   */
  void forgetAbuse(String userId) {
    abuse.invalidate(userId);
  }
}

package app.avalo.infra.cdn;

/**
 * The CDN domain's view of per-user spending limits: may {@code uid} start one more upload of this
 * kind? The composition root answers it with the cost domain's throttle gate (abuse, budget and
 * rate-limit throttles); the CDN domain knows nothing else about costs.
 */
@FunctionalInterface
public interface MediaAllowance {
  /** The budget an upload spends from, under the cost domain's service name. */
  enum Budget {
    /** Video uploads (transcodes are the expensive part). */
    VIDEO("video"),
    /** Images and voice notes. */
    MEDIA("cdn");

    private final String costService;

    Budget(String costService) {
      this.costService = costService;
    }

    /** The cost domain's service the budget belongs to ({@code video}, {@code cdn}). */
    public String costService() {
      return costService;
    }
  }

  /** The answer: allowed, or refused with the reason and when to retry. */
  record Verdict(boolean allowed, String reason, long retryAfterMs) {}

  Verdict check(Budget budget, String uid);
}

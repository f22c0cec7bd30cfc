package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import java.util.Map;

/**
 * Per-user media quotas through the cost domain's throttle gate (abuse throttle, budget throttle,
 * then its GCRA rate limit for the service, editable in {@code costConfig/rateLimits}): video
 * uploads spend from {@code video}, images and voice from {@code cdn}.
 *
 * <p>Charged once an upload has been accepted (container, probe, decode check) and before the
 * expensive part (transcode, encodes), so a refused file costs the caller nothing and writes
 * nothing, while a script cannot start more transcodes than its quota allows.
 */
final class MediaQuota {
  private final MediaAllowance allowance;

  MediaQuota(MediaAllowance allowance) {
    this.allowance = allowance;
  }

  /** Spends one unit of {@code uid}'s quota for {@code budget}, or RESOURCE_EXHAUSTED. */
  void charge(String uid, MediaAllowance.Budget budget) {
    MediaAllowance.Verdict verdict = allowance.check(budget, uid);
    if (!verdict.allowed()) {
      throw ApiException.resourceExhausted(
          "media upload quota for "
              + budget.costService()
              + " used up ("
              + verdict.reason()
              + "); retry after "
              + verdict.retryAfterMs()
              + " ms",
          Map.of(
              "service",
              budget.costService(),
              "reason",
              verdict.reason(),
              "retryAfterMs",
              verdict.retryAfterMs()));
    }
  }
}

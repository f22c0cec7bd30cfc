package app.avalo.infra.cdn;

import app.avalo.infra.cost.CostService;
import app.avalo.infra.cost.ThrottleGate;
import app.avalo.infra.platform.ApiException;
import java.util.Map;
import java.util.function.Supplier;

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
  private final Supplier<ThrottleGate> gate;

  MediaQuota(Supplier<ThrottleGate> gate) {
    this.gate = gate;
  }

  /** Spends one unit of {@code uid}'s quota for {@code service}, or RESOURCE_EXHAUSTED. */
  void charge(String uid, CostService service) {
    ThrottleGate.Verdict verdict = gate.get().check(service, uid);
    if (!verdict.allowed()) {
      throw ApiException.resourceExhausted(
          "media upload quota for "
              + service.wire()
              + " used up ("
              + verdict.reason()
              + "); retry after "
              + verdict.retryAfterMs()
              + " ms",
          Map.of(
              "service",
              service.wire(),
              "reason",
              verdict.reason(),
              "retryAfterMs",
              verdict.retryAfterMs()));
    }
  }
}

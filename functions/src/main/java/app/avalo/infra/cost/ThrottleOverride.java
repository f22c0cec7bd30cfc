package app.avalo.infra.cost;

import java.time.Instant;

/** An admin's "do not throttle this service until …" ({@code disableThrottling}). */
public record ThrottleOverride(
    CostService service, Instant until, String reason, String by, Instant createdAt) {
  public boolean activeAt(Instant now) {
    return until.isAfter(now);
  }
}

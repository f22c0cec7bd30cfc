package app.avalo.infra.cost;

import app.avalo.infra.platform.Fields;
import java.time.Duration;

/** {@code disableThrottling}'s input: {@code {service, durationMinutes (1 to 7 days), reason}}. */
public record ThrottleRequest(CostService service, Duration duration, String reason) {
  static final long MAX_MINUTES = 7 * 24 * 60;

  /** Reads and validates the request ({@code done()} is the caller's). */
  static ThrottleRequest read(Fields data) {
    CostService service = data.enumValue("service", CostService.class);
    long minutes = data.longValue("durationMinutes", 1, MAX_MINUTES);
    String reason = data.string("reason", 500);
    return new ThrottleRequest(service, Duration.ofMinutes(minutes), reason);
  }
}

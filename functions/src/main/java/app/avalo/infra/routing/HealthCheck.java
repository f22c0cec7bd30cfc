package app.avalo.infra.routing;

import java.time.Instant;

/**
 * One probe of one region.
 *
 * @param latencyMs time to the response headers; null when the probe failed
 * @param error why it failed ({@code HTTP 503}, {@code timeout after 2000 ms}, …); null when it
 *     succeeded
 */
public record HealthCheck(Instant at, boolean ok, Long latencyMs, String error) {
  static HealthCheck success(Instant at, long latencyMs) {
    return new HealthCheck(at, true, latencyMs, null);
  }

  static HealthCheck failure(Instant at, String error) {
    return new HealthCheck(at, false, null, error);
  }
}

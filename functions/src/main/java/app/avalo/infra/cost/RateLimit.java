package app.avalo.infra.cost;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A per-user rate limit for one service, enforced with GCRA (the generic cell rate algorithm, a
 * token bucket kept as one timestamp): a sustained {@code requests} per {@code period}, and up to
 * {@code burst} at once after a quiet spell.
 */
public record RateLimit(long requests, Duration period, long burst) {
  public RateLimit {
    if (requests < 1 || burst < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalStateException(
          "a rate limit needs requests >= 1, burst >= 1 and a positive period");
    }
  }

  /**
   * Time between two requests at the sustained rate (GCRA's emission interval), in microseconds.
   */
  long intervalMicros() {
    return Math.max(1, period.toNanos() / 1000 / requests);
  }

  /** How far ahead of now the theoretical arrival time may run before requests are refused. */
  long toleranceMicros() {
    return Math.multiplyExact(intervalMicros(), burst - 1);
  }

  /** Defaults per service; services not listed have no per-user rate limit. */
  public static Map<CostService, RateLimit> defaults() {
    Map<CostService, RateLimit> limits = new LinkedHashMap<>();
    limits.put(CostService.AI, new RateLimit(30, Duration.ofMinutes(1), 10));
    limits.put(CostService.VIDEO, new RateLimit(10, Duration.ofMinutes(1), 5));
    limits.put(CostService.WEBRTC, new RateLimit(10, Duration.ofMinutes(1), 5));
    limits.put(CostService.CDN, new RateLimit(600, Duration.ofMinutes(1), 120));
    limits.put(CostService.PUSH, new RateLimit(20, Duration.ofMinutes(1), 10));
    return limits;
  }
}

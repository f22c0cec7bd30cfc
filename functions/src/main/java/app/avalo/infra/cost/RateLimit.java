package app.avalo.infra.cost;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * {@code costConfig/rateLimits}: {@code {limits: [{service, requests, periodSeconds, burst}]}}.
   */
  static Map<String, Object> toDocument(Map<CostService, RateLimit> limits) {
    List<Map<String, Object>> rows = new ArrayList<>();
    limits.forEach(
        (service, limit) ->
            rows.add(
                Map.of(
                    "service",
                    service.wire(),
                    "requests",
                    limit.requests(),
                    "periodSeconds",
                    limit.period().toSeconds(),
                    "burst",
                    limit.burst())));
    return Map.of("limits", rows);
  }

  static Map<CostService, RateLimit> fromDocument(Map<String, Object> doc) {
    Map<CostService, RateLimit> limits = new LinkedHashMap<>();
    if (!(doc.get("limits") instanceof List<?> rows)) {
      throw new IllegalStateException("costConfig/rateLimits: limits must be an array");
    }
    for (Object row : rows) {
      if (!(row instanceof Map<?, ?> map)
          || !(map.get("service") instanceof String wire)
          || !(map.get("requests") instanceof Long requests)
          || !(map.get("periodSeconds") instanceof Long seconds)
          || !(map.get("burst") instanceof Long burst)) {
        throw new IllegalStateException(
            "costConfig/rateLimits: each limit needs service, requests, periodSeconds, burst");
      }
      CostService service =
          CostService.fromWire(wire)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "costConfig/rateLimits: unknown service '" + wire + "'"));
      limits.put(service, new RateLimit(requests, Duration.ofSeconds(seconds), burst));
    }
    return limits;
  }
}

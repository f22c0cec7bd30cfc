package app.avalo.infra.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The system health as the admin API shows it: the latest {@link HealthSummary} plus whether it is
 * current. Before the first evaluation every service shows {@code no-data}.
 */
public record SystemHealth(
    String overall,
    Instant evaluatedAt,
    Instant windowStart,
    Instant windowEnd,
    boolean stale,
    List<HealthSummary.ServiceHealth> services,
    List<HealthSummary.ConfigProblem> configProblems) {

  /** Three missed runs of the every-minute health check. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(3);

  static SystemHealth current(HealthStore store, Instant now) {
    return store
        .summary()
        .map(
            s ->
                new SystemHealth(
                    s.overall(),
                    s.evaluatedAt(),
                    s.windowStart(),
                    s.windowEnd(),
                    s.evaluatedAt() == null || s.evaluatedAt().isBefore(now.minus(STALE_AFTER)),
                    s.services(),
                    s.configProblems()))
        .orElseGet(
            () -> {
              List<HealthSummary.ServiceHealth> services = new ArrayList<>();
              for (MonitoredService service : MonitoredService.values()) {
                services.add(
                    new HealthSummary.ServiceHealth(
                        service.wire(),
                        HealthSummary.NO_DATA,
                        service.measure().unit(),
                        0,
                        0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(),
                        null));
              }
              return new SystemHealth(
                  HealthSummary.NO_DATA, null, null, null, true, services, List.of());
            });
  }
}

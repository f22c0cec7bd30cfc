package app.avalo.infra.scaling;

import app.avalo.infra.platform.Fields;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A validated {@code enableBurstProtection} input: the services (one, or every one for {@code
 * all}), why, and for how long ({@code durationMinutes}; null: until disabled).
 */
record BurstRequest(
    List<LogicalService> services, BurstProtection.Reason reason, Duration duration) {
  /** The reasons an admin may give; {@code viral} is the detector's. */
  static final List<String> REASONS = List.of("promotion", "event", "celebrity", "manual");

  static final long MAX_DURATION_MINUTES = 7 * 24 * 60;

  static BurstRequest read(Fields data) {
    List<LogicalService> services =
        LogicalService.select(data.oneOf("service", LogicalService.idsOrAll()));
    BurstProtection.Reason reason =
        BurstProtection.Reason.valueOf(data.oneOf("reason", REASONS).toUpperCase(Locale.ROOT));
    Long minutes =
        data.optionalLong("durationMinutes", 1, MAX_DURATION_MINUTES).stream()
            .boxed()
            .findFirst()
            .orElse(null);
    data.done();
    return new BurstRequest(services, reason, minutes == null ? null : Duration.ofMinutes(minutes));
  }

  /**
   * A validated {@code disableBurstProtection} input: one service, or every one for {@code all}.
   */
  record Off(List<LogicalService> services) {
    static Off read(Fields data) {
      List<LogicalService> services =
          LogicalService.select(data.oneOf("service", LogicalService.idsOrAll()));
      data.done();
      return new Off(services);
    }
  }
}

package app.avalo.infra.monitoring;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one health evaluation: per service its status, key percentiles, error rate and
 * sample count over the window, with each threshold check; and the overall status. Stored as {@code
 * monitoringHealth/current} ({@link HealthCodec}).
 *
 * <p>Statuses: {@code ok}, {@code degraded} (a warning threshold breached, or the NoData alert of a
 * service without critical thresholds fires), {@code critical} (a critical one, or a critical
 * NoData alert: a service expected to have traffic has none), {@code no-data} (too few samples to
 * judge). Overall is the worst service status, or {@code no-data} when no service had enough
 * samples.
 */
public record HealthSummary(
    Instant evaluatedAt,
    Instant windowStart,
    Instant windowEnd,
    String overall,
    List<ServiceHealth> services,
    List<ConfigProblem> configProblems) {

  public static final String OK = "ok";
  public static final String DEGRADED = "degraded";
  public static final String CRITICAL = "critical";
  public static final String NO_DATA = "no-data";

  /**
   * One service over the window. Numbers are null when there were no samples; {@code noData} is
   * null when no traffic is expected of the service.
   */
  public record ServiceHealth(
      String service,
      String status,
      String unit,
      long samples,
      long errors,
      Double errorRate,
      Double p50,
      Double p95,
      Double p99,
      Double mean,
      List<Check> checks,
      NoData noData) {}

  /**
   * One threshold's evaluation: {@code outcome} is breach (alerting), pending (breaching for fewer
   * than {@code forWindows} windows), ok, insufficient-data or disabled; {@code decision} says
   * whether it was decided exactly or from the histogram estimate ({@code exact|estimate}, null
   * when nothing was decided); {@code aboveShare} is the exact share of samples above the threshold
   * (failed, for the error rate) when known; {@code region} the region a breach is attributed to.
   */
  public record Check(
      String metric,
      String statistic,
      Double value,
      double threshold,
      String severity,
      String outcome,
      long samples,
      int minSamples,
      boolean firing,
      int healthyStreak,
      String decision,
      Double aboveShare,
      String region,
      int forWindows,
      int breachStreak) {}

  /**
   * A service's NoData watch: after {@code expectedWindows} empty windows in a row (once it has had
   * traffic) its NoData alert fires.
   */
  public record NoData(int expectedWindows, int emptyWindows, boolean hadTraffic, boolean firing) {}

  public record ConfigProblem(String document, String reason) {}

  /** Worse statuses rank higher. */
  static int rank(String status) {
    return switch (status) {
      case CRITICAL -> 3;
      case DEGRADED -> 2;
      case OK -> 1;
      default -> 0;
    };
  }

  /** Rounds for display and maps "no value" (NaN) to null. */
  static Double number(double value) {
    if (!Double.isFinite(value)) {
      return null;
    }
    return Math.round(value * 1_000_000) / 1_000_000.0;
  }
}

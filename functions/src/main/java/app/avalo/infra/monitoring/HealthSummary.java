package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import com.google.cloud.Timestamp;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one health evaluation: per service its status, key percentiles, error rate and
 * sample count over the window, with each threshold check; and the overall status. Stored as {@code
 * monitoringHealth/current} (nested values written whole, never updated by path).
 *
 * <p>Statuses: {@code ok}, {@code degraded} (a warning threshold breached), {@code critical} (a
 * critical one), {@code no-data} (too few samples to judge). Overall is the worst service status,
 * or {@code no-data} when no service had enough samples.
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

  /** One service over the window. Numbers are null when there were no samples. */
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
      List<Check> checks) {}

  /** One threshold's evaluation: {@code outcome} is breach, ok, insufficient-data or disabled. */
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
      int healthyStreak) {}

  public record ConfigProblem(String document, String reason) {}

  private static final Type SERVICES = new TypeToken<List<ServiceHealth>>() {}.getType();
  private static final Type PROBLEMS = new TypeToken<List<ConfigProblem>>() {}.getType();
  private static final Type PLAIN_LIST = new TypeToken<List<Map<String, Object>>>() {}.getType();

  /** Worse statuses rank higher. */
  static int rank(String status) {
    return switch (status) {
      case CRITICAL -> 3;
      case DEGRADED -> 2;
      case OK -> 1;
      default -> 0;
    };
  }

  Map<String, Object> toDocument() {
    Map<String, Object> doc = new HashMap<>();
    doc.put("evaluatedAt", Firestores.timestamp(evaluatedAt));
    doc.put("windowStart", Firestores.timestamp(windowStart));
    doc.put("windowEnd", Firestores.timestamp(windowEnd));
    doc.put("overall", overall);
    doc.put("services", Json.GSON.fromJson(Json.toTree(services), PLAIN_LIST));
    doc.put("configProblems", Json.GSON.fromJson(Json.toTree(configProblems), PLAIN_LIST));
    return doc;
  }

  static HealthSummary fromDocument(Map<String, Object> doc) {
    return new HealthSummary(
        Firestores.instant((Timestamp) doc.get("evaluatedAt")),
        Firestores.instant((Timestamp) doc.get("windowStart")),
        Firestores.instant((Timestamp) doc.get("windowEnd")),
        (String) doc.get("overall"),
        Json.GSON.fromJson(Json.toTree(doc.getOrDefault("services", List.of())), SERVICES),
        Json.GSON.fromJson(Json.toTree(doc.getOrDefault("configProblems", List.of())), PROBLEMS));
  }

  /** Rounds for display and maps "no value" (NaN) to null. */
  static Double number(double value) {
    if (!Double.isFinite(value)) {
      return null;
    }
    return Math.round(value * 1_000_000) / 1_000_000.0;
  }
}

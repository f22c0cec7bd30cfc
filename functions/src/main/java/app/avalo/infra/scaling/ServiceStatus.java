package app.avalo.infra.scaling;

import app.avalo.infra.scaling.ScalingController.Bounds;
import java.time.Instant;
import java.util.List;

/**
 * One service as {@code getScalingStatus} shows it. {@code currentInstances} and {@code
 * lastMetrics} are null without metrics in the last minutes (and when the caller skipped metrics);
 * {@code regions} is the last decision per region (instances running, floor, bounds, share of the
 * routed traffic, pre-warm), from the state document.
 */
public record ServiceStatus(
    String service,
    List<String> cloudRunServices,
    RuleView rule,
    boolean ruleStored,
    List<String> ruleProblems,
    Bounds bounds,
    Long currentInstances,
    LastMetrics lastMetrics,
    Integer desiredInstances,
    LastDecision lastDecision,
    Cooldown cooldown,
    BurstView burst,
    OverrideView override,
    Actuation actuation,
    List<RegionState> regions) {

  /** The newest minute bucket; {@code ageSeconds} since its newest sample. */
  public record LastMetrics(
      Instant minute,
      double cpu,
      double memory,
      double rps,
      long instances,
      long samples,
      Instant at,
      long ageSeconds) {}

  /** The last decision recorded on the state; {@code eventId} names its event. */
  public record LastDecision(
      Instant at, String action, String reason, String message, String eventId) {}

  /**
   * How long changes are still held back after the last one, and which ({@code blocks}); {@code
   * until} only while it lasts.
   */
  public record Cooldown(
      long remainingSeconds,
      Instant until,
      String lastScaleAction,
      Instant lastScaleAt,
      int cooldownSeconds,
      String blocks) {}

  /** What the actuator last did for the service. */
  public record Actuation(
      String actuator,
      String status,
      String error,
      Integer appliedMin,
      Integer appliedMax,
      Instant appliedAt) {}
}

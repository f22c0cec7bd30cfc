package app.avalo.infra.scaling;

import java.time.Instant;

/**
 * The controller's memory of one service ({@code scalingState/{service}}). {@code revision} guards
 * concurrent evaluations.
 */
public record ServiceState(
    long revision,
    Integer desiredInstances,
    Integer targetMin,
    Integer targetMax,
    String lastScaleAction,
    Instant lastScaleAt,
    Instant lastDecisionAt,
    String lastAction,
    String lastReason,
    String lastMessage,
    String lastEventId,
    Integer appliedMin,
    Integer appliedMax,
    Instant appliedAt,
    String actuationStatus,
    String actuationError) {

  static final ServiceState NONE =
      new ServiceState(
          0, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null);
}

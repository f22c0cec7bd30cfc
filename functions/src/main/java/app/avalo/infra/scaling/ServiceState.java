package app.avalo.infra.scaling;

import java.time.Instant;
import java.util.Map;

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
    String actuationError,
    String appliedTargets,
    Map<String, RegionState> regions) {

  /**
   * The state one region's decision starts from: the region's own desired and last scale; the
   * service's when it has no regional state yet and is decided as one unit (state written before
   * decisions were per region).
   */
  ServiceState forRegion(String region, int units) {
    RegionState r = regions.get(region);
    if (r == null && units == 1 && regions.isEmpty()) {
      return this;
    }
    return new ServiceState(
        revision,
        r == null ? null : r.desiredInstances(),
        targetMin,
        targetMax,
        r == null ? null : r.lastScaleAction(),
        r == null ? null : r.lastScaleAt(),
        lastDecisionAt,
        lastAction,
        lastReason,
        lastMessage,
        lastEventId,
        appliedMin,
        appliedMax,
        appliedAt,
        actuationStatus,
        actuationError,
        appliedTargets,
        regions);
  }

  static final ServiceState NONE =
      new ServiceState(
          0, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, Map.of());
}

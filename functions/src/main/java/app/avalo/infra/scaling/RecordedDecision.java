package app.avalo.infra.scaling;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A decision as it is committed: the event {@code eventId} in {@code scalingEvents} and the new
 * state of the service. {@code targetMin}/{@code targetMax} are the bounds to actuate; {@code
 * actuate} whether the actuator is called for them; {@code regions} the per-region decisions the
 * service's is combined from, {@code targets} what each Cloud Run service is given.
 */
record RecordedDecision(
    LogicalService service,
    String eventId,
    Instant at,
    String trigger,
    ScalingController.Decision decision,
    int targetMin,
    int targetMax,
    String actuator,
    boolean actuate,
    String metricsSource,
    List<RegionDecision> regions,
    Map<String, RegionState> previousRegions,
    List<ServiceMap.Target> targets) {

  /** The targets in one comparable string: what was applied is stored as it. */
  String targetsKey() {
    return ServiceMap.key(targets);
  }
}

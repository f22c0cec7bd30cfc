package app.avalo.infra.scaling;

import java.time.Instant;

/**
 * A decision as it is committed: the event {@code eventId} in {@code scalingEvents} and the new
 * state of the service. {@code targetMin}/{@code targetMax} are the bounds to actuate; {@code
 * actuate} whether the actuator is called for them.
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
    boolean actuate) {}

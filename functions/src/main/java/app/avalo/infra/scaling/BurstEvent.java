package app.avalo.infra.scaling;

import java.time.Instant;

/**
 * A burst change in {@code scalingEvents} (kind {@code burst}): {@code action} is {@code burst_on}
 * or {@code burst_off}; {@code burst} the burst as stored after the change.
 */
record BurstEvent(
    String eventId,
    LogicalService service,
    Instant at,
    String action,
    String reason,
    String message,
    Burst burst) {}

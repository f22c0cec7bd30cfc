package app.avalo.infra.monitoring;

import java.time.Instant;

/**
 * One validated observation: when, the measured value (in the measure's unit), and whether it
 * succeeded.
 */
public record Sample(Instant at, double value, boolean success) {}

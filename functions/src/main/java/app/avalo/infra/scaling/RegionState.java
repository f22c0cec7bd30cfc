package app.avalo.infra.scaling;

import java.time.Instant;

/**
 * One region's part of a service's state ({@code scalingState/{service}.regions.{region}}): what
 * the controller decided for it and what it was decided from, for the next decision and the
 * dashboard.
 *
 * @param region a Cloud Run region, or {@link RegionShare#WHOLE}
 */
public record RegionState(
    String region,
    Integer desiredInstances,
    Integer currentInstances,
    int minInstances,
    int maxInstances,
    double share,
    int prewarm,
    String lastAction,
    String lastReason,
    String lastScaleAction,
    Instant lastScaleAt) {}

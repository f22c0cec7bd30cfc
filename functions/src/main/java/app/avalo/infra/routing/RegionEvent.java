package app.avalo.infra.routing;

import java.time.Instant;

/**
 * One {@code regionEvents} record as the dashboard shows it: a status change, a drain started or
 * cleared, a failover started or completed. Only the fields of its {@code type} are set; the rest
 * are null and left out of the JSON.
 */
public record RegionEvent(
    String regionId,
    String type,
    Instant at,
    String from,
    String to,
    String reason,
    Long consecutiveFailures,
    Long medianLatencyMs,
    String lastError,
    Instant until,
    String by,
    String operationId,
    String toRegion,
    Long moved,
    String id) {}

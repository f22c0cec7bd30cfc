package app.avalo.infra.scaling;

import java.time.Instant;
import java.util.Map;

/**
 * One {@code scalingEvents} entry as history lists it: {@code view} is the document's fields (times
 * as instants, without the TTL field) after its {@code id}. Decision and burst events have
 * different fields, so the view stays a map.
 */
record StoredEvent(String id, Instant at, Map<String, Object> view) {}

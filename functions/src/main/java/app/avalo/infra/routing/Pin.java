package app.avalo.infra.routing;

import java.time.Instant;

/** A user's region pin ({@code userRegionMappings/{uid}}): one region for every pinned service. */
record Pin(String uid, String regionId, Instant assignedAt, Instant updatedAt) {}

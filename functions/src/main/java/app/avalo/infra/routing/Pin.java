package app.avalo.infra.routing;

import java.time.Instant;

/**
 * A user's region pin ({@code userRegionMappings/{uid}}): one region for every pinned service.
 *
 * @param homeRegionId where the user was first pinned; failovers keep it so the pin can fail back
 *     (null on pins written before it existed: such a pin's home is the region it is moved from)
 */
record Pin(
    String uid, String regionId, Instant assignedAt, Instant updatedAt, String homeRegionId) {
  /** The user's home region: where they were first pinned. */
  String home() {
    return homeRegionId != null ? homeRegionId : regionId;
  }
}

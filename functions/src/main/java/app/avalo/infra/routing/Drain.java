package app.avalo.infra.routing;

import java.time.Instant;

/** An admin's manual {@code draining} override of a region ({@code forceFailover}). */
public record Drain(Instant since, Instant until, String reason, String by) {
  boolean activeAt(Instant now) {
    return until != null && now.isBefore(until);
  }
}

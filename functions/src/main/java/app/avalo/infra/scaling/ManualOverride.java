package app.avalo.infra.scaling;

import java.time.Instant;

/**
 * A manual scale override ({@code scalingOverrides/{service}}): fixed {@code instances}, or min
 * and/or max bounds, until it expires.
 */
public record ManualOverride(
    Integer minInstances,
    Integer maxInstances,
    Integer instances,
    Instant setAt,
    Instant expiresAt,
    String by) {

  public boolean liveAt(Instant now) {
    return expiresAt != null && expiresAt.isAfter(now);
  }

  OverrideView view(Instant now) {
    return new OverrideView(
        liveAt(now), minInstances, maxInstances, instances, setAt, expiresAt, by);
  }
}

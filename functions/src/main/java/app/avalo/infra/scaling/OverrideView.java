package app.avalo.infra.scaling;

import java.time.Instant;

/** A manual override as responses show it; {@link #NONE} ({@code {active: false}}) when none. */
public record OverrideView(
    boolean active,
    Integer minInstances,
    Integer maxInstances,
    Integer instances,
    Instant setAt,
    Instant expiresAt,
    String by) {

  static final OverrideView NONE = new OverrideView(false, null, null, null, null, null, null);
}

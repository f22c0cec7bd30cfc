package app.avalo.infra.scaling;

import java.time.Instant;

/**
 * A service's burst protection as responses show it; {@link #NONE} ({@code {active: false}}) when
 * the service never had one. {@code expired}: still marked active but past its expiry.
 */
public record BurstView(
    boolean active,
    Boolean expired,
    String trigger,
    String reason,
    Instant since,
    Instant expiresAt,
    String by,
    Double baselineRps,
    Double peakRps,
    Instant normalSince,
    Instant endedAt,
    String endReason) {

  static final BurstView NONE =
      new BurstView(false, null, null, null, null, null, null, null, null, null, null, null);
}

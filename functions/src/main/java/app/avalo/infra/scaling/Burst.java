package app.avalo.infra.scaling;

import java.time.Instant;

/**
 * Burst protection of one service ({@code scalingBursts/{service}}): max instances raised while
 * live. An ended burst stays stored with {@code active} false, {@code endedAt} and {@code
 * endReason}.
 */
public record Burst(
    boolean active,
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

  public boolean liveAt(Instant now) {
    return active && (expiresAt == null || expiresAt.isAfter(now));
  }

  /** This burst with {@code normalSince} set to {@code at} (cleared when null). */
  Burst withNormalSince(Instant at) {
    return new Burst(
        active,
        trigger,
        reason,
        since,
        expiresAt,
        by,
        baselineRps,
        peakRps,
        at,
        endedAt,
        endReason);
  }

  /** This burst ended at {@code now} for {@code why}. */
  Burst endedAt(Instant now, String why) {
    return new Burst(
        false, trigger, reason, since, expiresAt, by, baselineRps, peakRps, normalSince, now, why);
  }

  /** How the status view, the dashboard and the burst functions show it at {@code now}. */
  BurstView view(Instant now) {
    return new BurstView(
        liveAt(now),
        active && !liveAt(now),
        trigger,
        reason,
        since,
        expiresAt,
        by,
        baselineRps,
        peakRps,
        normalSince,
        endedAt,
        endReason);
  }
}

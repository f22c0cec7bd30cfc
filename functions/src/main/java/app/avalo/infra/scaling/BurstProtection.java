package app.avalo.infra.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Turns burst protection on and off: while live, a service's max instances is raised to the burst
 * maximum and scale-downs are held. Manual bursts (promotion, event, celebrity, manual) last until
 * their expiry or until disabled; viral bursts are managed by {@link ViralTrafficDetector}. Every
 * change is a {@code scalingEvents} entry (kind {@code burst}).
 */
public final class BurstProtection {
  /** Why a burst is on. */
  public enum Reason {
    PROMOTION,
    EVENT,
    CELEBRITY,
    MANUAL,
    VIRAL;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final ScalingStore store;

  BurstProtection(ScalingStore store) {
    this.store = store;
  }

  /**
   * Turns a manual burst on (replacing any burst in place); {@code duration} null means until
   * disabled.
   */
  public Burst enable(
      LogicalService service, Reason reason, Duration duration, String by, Instant now) {
    Burst burst =
        new Burst(
            true,
            reason == Reason.VIRAL ? "viral" : "manual",
            reason.wire(),
            now,
            duration == null ? null : now.plus(duration),
            by,
            null,
            null,
            null,
            null,
            null);
    store.saveBurst(service, burst);
    recordEvent(
        service,
        now,
        "burst_on",
        reason.wire(),
        "burst protection on ("
            + reason.wire()
            + ")"
            + (duration == null ? " until disabled" : " for " + duration.toMinutes() + " min")
            + " by "
            + by,
        burst);
    return burst;
  }

  /** Starts a viral burst with the baseline it was measured against. */
  public Burst enableViral(
      LogicalService service,
      Duration duration,
      double baselineRps,
      double peakRps,
      String message,
      Instant now) {
    Burst burst =
        new Burst(
            true,
            "viral",
            Reason.VIRAL.wire(),
            now,
            now.plus(duration),
            "detectViralTraffic",
            baselineRps,
            peakRps,
            null,
            null,
            null);
    store.saveBurst(service, burst);
    recordEvent(service, now, "burst_on", "viral", message, burst);
    return burst;
  }

  /** Turns the service's burst off; returns the ended burst, or null when none was live. */
  public Burst disable(LogicalService service, String by, String why, Instant now) {
    Burst current = store.burst(service);
    if (current == null || !current.liveAt(now)) {
      return null;
    }
    Burst ended = current.endedAt(now, why);
    store.saveBurst(service, ended);
    recordEvent(
        service,
        now,
        "burst_off",
        current.reason(),
        "burst protection off: " + why + " (by " + by + ")",
        ended);
    return ended;
  }

  private void recordEvent(
      LogicalService service,
      Instant now,
      String action,
      String reason,
      String message,
      Burst burst) {
    store.addBurstEvent(
        new BurstEvent(
            service.id()
                + "@"
                + now
                + "~"
                + action
                + "~"
                + UUID.randomUUID().toString().substring(0, 8),
            service,
            now,
            action,
            reason,
            message,
            burst));
  }
}

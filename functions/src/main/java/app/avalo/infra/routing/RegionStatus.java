package app.avalo.infra.routing;

import app.avalo.infra.platform.WireEnum;
import java.util.Locale;

/**
 * A region's status as routing sees it. The health checks set the first three; {@code DRAINING} is
 * an admin override ({@code forceFailover}) that lies on top of them until it expires or is
 * cleared.
 */
public enum RegionStatus implements WireEnum {
  HEALTHY(0),
  DEGRADED(1),
  DRAINING(2),
  UNHEALTHY(3);

  private final int badness;

  RegionStatus(int badness) {
    this.badness = badness;
  }

  /** Pinned users stay on a usable region; others prefer healthy ones. */
  public boolean usable() {
    return this == HEALTHY || this == DEGRADED;
  }

  /**
   * How bad the region is for new traffic, for the "least bad" choice when nothing is healthy: a
   * draining region still serves (an admin asked for traffic to leave), an unhealthy one fails
   * probes.
   */
  int badness() {
    return badness;
  }

  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a stored health status; anything unknown reads as unhealthy (never route blindly to it).
   */
  static RegionStatus fromWire(String value) {
    if (value == null) {
      return HEALTHY;
    }
    return WireEnum.parse(RegionStatus.class, value).orElse(UNHEALTHY);
  }
}

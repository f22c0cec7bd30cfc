package app.avalo.infra.alerting;

import app.avalo.infra.platform.WireEnum;
import java.time.Instant;
import java.util.Locale;

/**
 * Where one notification stands with one receiver: routed into a group ({@code groupId}), then
 * delivered with it, retrying, or dead-lettered; or left out because the route's repeat interval
 * has not passed since the alert was last sent there.
 */
record DeliveryState(
    Status status,
    int attempts,
    Instant nextAttemptAt,
    Instant deliveredAt,
    String lastError,
    String groupId) {

  enum Status implements WireEnum {
    PENDING,
    GROUPED,
    RETRYING,
    DELIVERED,
    DEAD,
    SUPPRESSED;

    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final DeliveryState NEW = new DeliveryState(Status.PENDING, 0, null, null, null, null);

  static DeliveryState grouped(String groupId, Instant flushAt) {
    return new DeliveryState(Status.GROUPED, 0, flushAt, null, null, groupId);
  }

  static DeliveryState suppressed(String groupId, String why) {
    return new DeliveryState(Status.SUPPRESSED, 0, null, null, why, groupId);
  }

  /** The notification's part for this receiver is over: it sits in a group or is done. */
  boolean routed() {
    return status != Status.PENDING;
  }
}

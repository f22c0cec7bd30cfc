package app.avalo.infra.alerting;

import app.avalo.infra.platform.WireEnum;
import java.time.Instant;
import java.util.Locale;

/** Where one notification stands with one receiver. */
record DeliveryState(
    Status status, int attempts, Instant nextAttemptAt, Instant deliveredAt, String lastError) {

  enum Status implements WireEnum {
    PENDING,
    RETRYING,
    DELIVERED,
    DEAD;

    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final DeliveryState NEW = new DeliveryState(Status.PENDING, 0, null, null, null);

  boolean finished() {
    return status == Status.DELIVERED || status == Status.DEAD;
  }

  boolean dueAt(Instant now) {
    return !finished() && (nextAttemptAt == null || !nextAttemptAt.isAfter(now));
  }
}

package app.avalo.infra.monitoring;

import java.time.Instant;

/**
 * Where a service's NoData alerting stands: whether the service has ever had samples (only then is
 * silence an outage), how many windows in a row had none, whether its NoData alert is open, and the
 * last window evaluated. Written in the same transaction as the alert change it goes with.
 */
record NoDataState(boolean firing, int emptyStreak, boolean hadTraffic, Instant lastWindowEnd) {
  static final NoDataState INITIAL = new NoDataState(false, 0, false, null);

  boolean evaluates(Instant windowEnd) {
    return lastWindowEnd == null || windowEnd.isAfter(lastWindowEnd);
  }
}

package app.avalo.infra.cost;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This instance's view of each service's spend in a period: the sharded total as last read (at most
 * {@code ttl} old) plus what this instance itself recorded since. Reading a sharded total costs one
 * query over all shards, so the hot paths (every tracked cost, every checkThrottle) use this
 * estimate; admin views read the counters directly.
 *
 * <p>Accuracy: costs recorded by other instances show up within {@code ttl}; a cost that commits
 * while this instance re-reads the total may be counted twice until the next read (the estimate
 * errs high, never low, for this instance's own costs).
 */
final class SpendEstimates {
  private final LedgerStore store;
  private final Clock clock;
  private final long ttlMillis;
  private final Map<String, Estimate> estimates = new ConcurrentHashMap<>();

  private record Estimate(long baseMicros, long loadedAtMillis, AtomicLong localMicros) {}

  SpendEstimates(LedgerStore store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
  }

  long micros(BillingPeriod period, CostService service) {
    String key = LedgerStore.counterId(period, service);
    long now = clock.millis();
    Estimate estimate = estimates.get(key);
    if (estimate == null
        || now - estimate.loadedAtMillis() >= ttlMillis
        || now < estimate.loadedAtMillis()) {
      long total = store.spentMicros(period, service);
      estimate = new Estimate(total, now, new AtomicLong());
      if (estimates.size() > 256) {
        estimates.clear(); // old periods; the current ones reload on next use
      }
      estimates.put(key, estimate);
    }
    return estimate.baseMicros() + estimate.localMicros().get();
  }

  /** Notes a cost this instance just committed. */
  void added(BillingPeriod period, CostService service, long micros) {
    Estimate estimate = estimates.get(LedgerStore.counterId(period, service));
    if (estimate != null) {
      estimate.localMicros().addAndGet(micros);
    }
  }
}

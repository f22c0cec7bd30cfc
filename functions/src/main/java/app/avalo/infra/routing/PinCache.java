package app.avalo.infra.routing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * This instance's copy of recently used pins, so a pinned {@code getRouting} reads Firestore only
 * when the user's pin must move or is unknown.
 *
 * <p>Bounded (least recently used entries go first) and short-lived: an entry is trusted for {@code
 * ttl} and only while the region view's status generation is the one it was cached under, so any
 * region status or drain change (when failovers and fail-backs move pins behind this instance's
 * back) makes every pinned user's next call read their pin again. A pin moved by another instance
 * while no status changed (a fail-back batch) is seen within {@code ttl}.
 *
 * <p>Entries past their TTL are kept until evicted: with Firestore unreachable, routing answers
 * from the last pin it knew ({@link #lastKnown}).
 */
final class PinCache {
  private record Cached(Pin pin, long cachedAtNanos, long generation) {}

  private final int capacity;
  private final long ttlNanos;
  private final LongSupplier nanos;
  private final Map<String, Cached> entries;

  PinCache(int capacity, Duration ttl, LongSupplier nanos) {
    this.capacity = capacity;
    this.ttlNanos = ttl.toNanos();
    this.nanos = nanos;
    this.entries =
        new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > PinCache.this.capacity;
          }
        };
  }

  PinCache(int capacity, Duration ttl) {
    this(capacity, ttl, System::nanoTime);
  }

  /** The cached pin, if it is younger than the TTL and no region status changed since. */
  synchronized Optional<Pin> fresh(String uid, long generation) {
    Cached e = entries.get(uid);
    if (e == null
        || e.generation() != generation
        || nanos.getAsLong() - e.cachedAtNanos() > ttlNanos) {
      return Optional.empty();
    }
    return Optional.of(e.pin());
  }

  /** The last pin this instance saw for the user, however old (Firestore is unreachable). */
  synchronized Optional<Pin> lastKnown(String uid) {
    return Optional.ofNullable(entries.get(uid)).map(Cached::pin);
  }

  synchronized void put(Pin pin, long generation) {
    if (capacity > 0) {
      entries.put(pin.uid(), new Cached(pin, nanos.getAsLong(), generation));
    }
  }

  synchronized int size() {
    return entries.size();
  }
}

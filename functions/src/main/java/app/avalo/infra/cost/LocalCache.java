package app.avalo.infra.cost;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.UncheckedExecutionException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A bounded in-instance cache whose entries expire on the Platform's clock (so tests move time by
 * hand). Holds only state the cost domain may serve a few seconds stale: budgets, overrides,
 * prices, rate-limit settings, abuse throttles. A TTL of zero disables caching.
 */
final class LocalCache<K, V> {
  private final Cache<K, V> cache;

  LocalCache(Clock clock, Duration ttl, long maxEntries) {
    Ticker ticker =
        new Ticker() {
          @Override
          public long read() {
            return clock.millis() * 1_000_000L;
          }
        };
    CacheBuilder<Object, Object> builder = CacheBuilder.newBuilder().ticker(ticker);
    // Guava turns a zero TTL into maximumSize(0) itself and refuses a second size.
    this.cache =
        (ttl.isZero()
                ? builder.expireAfterWrite(ttl)
                : builder.expireAfterWrite(ttl).maximumSize(maxEntries))
            .build();
  }

  /**
   * The cached value, loading it (once per key, concurrent callers wait) when missing or expired.
   */
  V get(K key, Supplier<V> loader) {
    try {
      return cache.get(key, loader::get);
    } catch (ExecutionException | UncheckedExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  V getIfPresent(K key) {
    return cache.getIfPresent(key);
  }

  void put(K key, V value) {
    cache.put(key, value);
  }

  void invalidate(K key) {
    cache.invalidate(key);
  }

  void invalidateAll() {
    cache.invalidateAll();
  }
}

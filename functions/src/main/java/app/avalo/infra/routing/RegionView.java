package app.avalo.infra.routing;

import app.avalo.infra.platform.Log;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process view of every region that {@code getRouting} and {@code getRegionStatuses} answer
 * from, so the hot path reads no region state from Firestore.
 *
 * <p>A daemon thread, started on first use, re-reads the small {@code regions} collection every
 * {@code refresh} (default 500 ms), so a status change reaches routing within about that. Polling
 * rather than a snapshot listener: it has no long-lived stream to break and re-establish, it
 * behaves the same on every Firestore (the local npm emulator re-runs a listener's query on every
 * write anywhere in the database), and its cost is fixed and small (3 documents per refresh).
 *
 * <p>Cloud Functions throttles CPU between requests, so the thread may fall behind on an idle
 * instance: a request that finds the view older than {@code maxStaleness} refreshes it inline first
 * (one reader at a time; the others keep answering from the current view). After {@code idleStop}
 * without requests the thread stops reading, and restarts on the next request.
 *
 * <p>If regions have never been read (Firestore unreachable at cold start) the view holds the
 * configured definitions, assumed healthy: routing then still answers, with the primary first.
 */
public final class RegionView implements AutoCloseable {
  /** How long an inline read may hold up a request before the current view is used instead. */
  static final Duration INLINE_READ_TIMEOUT = Duration.ofSeconds(2);

  static final Duration IDLE_STOP = Duration.ofMinutes(5);

  /** Reads every region, giving up after {@code timeout}. */
  @FunctionalInterface
  interface Loader {
    List<Region> load(Duration timeout) throws TimeoutException;
  }

  /** What the view holds: the regions and when they were read ({@link System#nanoTime()}). */
  public record Snapshot(List<Region> regions, long readAtNanos, boolean fromFirestore) {}

  private final Loader loader;
  private final List<RegionDefinition> fallback;
  private final Duration refresh;
  private final Duration maxStaleness;
  private final ReentrantLock reading = new ReentrantLock();
  private volatile Snapshot snapshot;
  private volatile long lastUseNanos;
  private volatile long lastAttemptNanos;
  private ScheduledExecutorService poller;
  private ScheduledFuture<?> polling;
  private volatile boolean pollingActive;
  private boolean closed;

  RegionView(
      Loader loader, List<RegionDefinition> fallback, Duration refresh, Duration maxStaleness) {
    this.loader = loader;
    this.fallback = List.copyOf(fallback);
    this.refresh = refresh;
    this.maxStaleness = maxStaleness;
  }

  /** The current view: never older than {@code maxStaleness} unless Firestore cannot be read. */
  public Snapshot current() {
    long now = System.nanoTime();
    lastUseNanos = now;
    ensurePolling();
    Snapshot s = snapshot;
    if (s == null) {
      reading.lock(); // the very first read: everyone waits for it (bounded by the read timeout)
      try {
        if (snapshot == null) {
          readNow();
        }
        if (snapshot == null) {
          snapshot = new Snapshot(fallback.stream().map(Region::assumedHealthy).toList(), 0, false);
        }
      } finally {
        reading.unlock();
      }
      return snapshot;
    }
    if (age(s, now) > maxStaleness.toNanos()
        && now - lastAttemptNanos > maxStaleness.toNanos()
        && reading.tryLock()) {
      try {
        readNow();
      } finally {
        reading.unlock();
      }
    }
    return snapshot;
  }

  /**
   * Reads the regions now and replaces the view (tests and the dev server use it to skip the wait).
   */
  public void refreshNow() {
    reading.lock();
    try {
      readNow();
    } finally {
      reading.unlock();
    }
  }

  private void readNow() {
    lastAttemptNanos = System.nanoTime();
    try {
      List<Region> regions = loader.load(INLINE_READ_TIMEOUT);
      if (regions.isEmpty()) {
        // Not initialised yet: keep routing on the configured definitions rather than on nothing.
        snapshot =
            new Snapshot(
                fallback.stream().map(Region::assumedHealthy).toList(), System.nanoTime(), false);
      } else {
        snapshot = new Snapshot(regions, System.nanoTime(), true);
      }
    } catch (TimeoutException | RuntimeException e) {
      Snapshot s = snapshot;
      Log.warn(
          "region view refresh failed; answering from the previous view",
          Map.of(
              "error",
              String.valueOf(e),
              "viewAgeMs",
              s == null ? -1 : age(s, System.nanoTime()) / 1_000_000));
    }
  }

  private void ensurePolling() {
    if (!pollingActive) {
      startPolling(); // rare: first request, or the first after an idle stop
    }
  }

  private synchronized void startPolling() {
    if (closed || pollingActive) {
      return;
    }
    if (poller == null) {
      poller =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "routing-region-view");
                t.setDaemon(true);
                return t;
              });
    }
    polling =
        poller.scheduleWithFixedDelay(
            this::poll, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    pollingActive = true;
  }

  private void poll() {
    if (System.nanoTime() - lastUseNanos > IDLE_STOP.toNanos()) {
      synchronized (this) {
        pollingActive = false;
        polling.cancel(false); // idle instance: stop reading until the next request
      }
      return;
    }
    if (reading.tryLock()) {
      try {
        readNow();
      } finally {
        reading.unlock();
      }
    }
  }

  private static long age(Snapshot s, long now) {
    return now - s.readAtNanos();
  }

  /** Stops the polling thread (tests; an instance otherwise lives as long as its JVM). */
  @Override
  public synchronized void close() {
    closed = true;
    pollingActive = false;
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.Log;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The in-process view of every region that {@code getRouting} and {@code getRegionStatuses} answer
 * from, so the hot path reads no region state from Firestore.
 *
 * <p>The view is fed by a Firestore snapshot listener on the small {@code regions} collection
 * (started on first use): Firestore pushes each change, so the view costs one document read per
 * region change instead of a read every few hundred milliseconds, and a change reaches routing as
 * fast as Firestore delivers it.
 *
 * <p>A stream can stall without an error (Cloud Run throttles the CPU between requests; a half-open
 * connection delivers nothing), so the view checks its own liveness and falls back to one read:
 *
 * <ul>
 *   <li><b>heartbeat</b>: every region document is rewritten by the health checks at least every
 *       {@code ROUTING_HEARTBEAT_SECONDS}, so a healthy stream delivers a snapshot at least that
 *       often. With no snapshot for {@code staleAfter}, a request reads the collection once and the
 *       listener is re-established;
 *   <li><b>throttling</b>: a ticker notes the time every {@link #TICK}; a request finding the last
 *       tick older than {@code throttleGap} knows the process was frozen (events may be queued or
 *       lost) and reads once before answering.
 * </ul>
 *
 * Only one request reads at a time; the others answer from the current view. After {@link
 * #IDLE_STOP} without requests the listener and ticker stop, and restart (with one read) on the
 * next request.
 *
 * <p>If regions have never been read (Firestore unreachable at cold start) the view holds the
 * configured definitions, assumed healthy: routing then still answers, with the primary first.
 */
public final class RegionView implements AutoCloseable {
  /** How long an inline read may hold up a request before the current view is used instead. */
  static final Duration INLINE_READ_TIMEOUT = Duration.ofSeconds(2);

  static final Duration IDLE_STOP = Duration.ofMinutes(5);

  /** How often the liveness ticker runs (it reads nothing). */
  static final Duration TICK = Duration.ofMillis(250);

  /** Least time between two fallback reads while Firestore keeps failing. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** Where the view's regions come from: one read, and a stream of changes. */
  interface Source {
    /** Reads every region, giving up after {@code timeout}. */
    List<Region> load(Duration timeout) throws TimeoutException;

    /**
     * Starts delivering every region on each change (the first delivery is the current state);
     * {@code onError} when the stream fails for good. Returns what stops it.
     */
    AutoCloseable listen(Consumer<List<Region>> onSnapshot, Consumer<Throwable> onError);
  }

  /**
   * What the view holds: the regions, when they were read ({@link System#nanoTime()}), and the
   * generation of their statuses (it grows whenever a region's health status or drain changes).
   */
  public record Snapshot(
      List<Region> regions, long readAtNanos, boolean fromFirestore, long generation) {}

  private final Source source;
  private final List<RegionDefinition> fallback;
  private final Duration staleAfter;
  private final Duration throttleGap;
  private final ReentrantLock reading = new ReentrantLock();
  private final AtomicLong fallbackReads = new AtomicLong();
  private final AtomicLong snapshotsReceived = new AtomicLong();
  private volatile Snapshot snapshot;
  private volatile long lastUseNanos;
  private volatile long lastEventNanos;
  private volatile long lastTickNanos;
  private volatile long lastAttemptNanos;
  private volatile long lastFailureNanos = System.nanoTime() - 2 * RETRY_AFTER.toNanos();
  private volatile boolean listenerBroken;
  private volatile boolean frozenSeen;
  private ScheduledExecutorService ticker;
  private ScheduledFuture<?> ticking;
  private AutoCloseable listener;
  private volatile boolean active;
  private boolean closed;

  /**
   * @param staleAfter no snapshot for this long means the stream is stale (more than the heartbeat)
   * @param throttleGap a liveness tick this late means the process was frozen
   */
  RegionView(
      Source source, List<RegionDefinition> fallback, Duration staleAfter, Duration throttleGap) {
    this.source = source;
    this.fallback = List.copyOf(fallback);
    this.staleAfter = staleAfter;
    this.throttleGap = throttleGap;
  }

  /** The current view. */
  public Snapshot current() {
    long now = System.nanoTime();
    lastUseNanos = now;
    boolean resumed = ensureListening(now);
    Snapshot s = snapshot;
    if (s == null) {
      reading.lock(); // the very first read: everyone waits for it (bounded by the read timeout)
      try {
        if (snapshot == null) {
          readNow();
        }
        if (snapshot == null) {
          snapshot =
              new Snapshot(fallback.stream().map(Region::assumedHealthy).toList(), 0, false, 0);
        }
      } finally {
        reading.unlock();
      }
      return snapshot;
    }
    if ((resumed || suspect(now))
        && now - lastFailureNanos > RETRY_AFTER.toNanos()
        && reading.tryLock()) {
      try {
        readNow();
      } finally {
        reading.unlock();
      }
    }
    return snapshot;
  }

  /** True when the stream may have missed a change: it is stale, broken, or the CPU was frozen. */
  private boolean suspect(long now) {
    boolean stale = now - Math.max(lastEventNanos, snapshot.readAtNanos()) > staleAfter.toNanos();
    boolean frozen = frozenSeen || now - lastTickNanos > throttleGap.toNanos();
    if (stale || listenerBroken) {
      restartListener();
    }
    return stale || frozen || listenerBroken;
  }

  /** Reads the regions now and replaces the view (tests and the dev server skip the wait). */
  public void refreshNow() {
    reading.lock();
    try {
      readNow();
    } finally {
      reading.unlock();
    }
  }

  /** How many times the view read the collection itself instead of hearing from the listener. */
  public long fallbackReads() {
    return fallbackReads.get();
  }

  /** How many snapshots the listener delivered (each costs a read per changed document). */
  public long snapshotsReceived() {
    return snapshotsReceived.get();
  }

  private void readNow() {
    lastAttemptNanos = System.nanoTime();
    fallbackReads.incrementAndGet();
    try {
      accept(source.load(INLINE_READ_TIMEOUT), false);
      frozenSeen = false;
      lastTickNanos = System.nanoTime(); // the read itself shows the process is running again
    } catch (TimeoutException | RuntimeException e) {
      lastFailureNanos = System.nanoTime();
      Snapshot s = snapshot;
      Log.warn(
          "region view read failed; answering from the previous view",
          Map.of(
              "error",
              String.valueOf(e),
              "viewAgeMs",
              s == null ? -1 : (System.nanoTime() - s.readAtNanos()) / 1_000_000));
    }
  }

  private void onSnapshot(List<Region> regions) {
    lastEventNanos = System.nanoTime();
    listenerBroken = false;
    snapshotsReceived.incrementAndGet();
    accept(regions, true);
  }

  private synchronized void accept(List<Region> regions, boolean fromListener) {
    long now = System.nanoTime();
    Snapshot previous = snapshot;
    if (!fromListener
        && previous != null
        && previous.fromFirestore()
        && lastEventNanos > lastAttemptNanos) {
      return; // the listener delivered something newer while this read was in flight
    }
    if (regions.isEmpty()) {
      // Not initialised yet: keep routing on the configured definitions rather than on nothing.
      regions = fallback.stream().map(Region::assumedHealthy).toList();
      snapshot = new Snapshot(regions, now, false, generation(previous, regions));
    } else {
      snapshot = new Snapshot(regions, now, true, generation(previous, regions));
    }
  }

  private static long generation(Snapshot previous, List<Region> regions) {
    if (previous == null) {
      return 1;
    }
    return statuses(previous.regions()).equals(statuses(regions))
        ? previous.generation()
        : previous.generation() + 1;
  }

  /** What routing decisions depend on besides latency: each region's health status and drain. */
  private static Map<String, List<Object>> statuses(List<Region> regions) {
    return regions.stream()
        .collect(
            Collectors.toMap(
                Region::id,
                r ->
                    Arrays.asList(
                        r.health().status(),
                        r.drain() == null ? null : r.drain().until(),
                        r.health().consecutiveFailures())));
  }

  private void onError(Throwable e) {
    listenerBroken = true;
    Log.warn("region view listener failed; the next request reads once", Map.of("error", e));
  }

  /** Starts the listener and ticker if they are not running; true when they were just started. */
  private boolean ensureListening(long now) {
    if (active) {
      return false;
    }
    return start(now); // rare: first request, or the first after an idle stop
  }

  private synchronized boolean start(long now) {
    if (closed || active) {
      return false;
    }
    if (ticker == null) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "routing-region-view");
                t.setDaemon(true);
                return t;
              });
    }
    lastTickNanos = now;
    ticking =
        ticker.scheduleAtFixedRate(
            this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    listener = listenQuietly();
    active = true;
    return snapshot != null;
  }

  private AutoCloseable listenQuietly() {
    try {
      return source.listen(this::onSnapshot, this::onError);
    } catch (RuntimeException e) {
      onError(e);
      return null;
    }
  }

  private synchronized void restartListener() {
    if (closed || !active) {
      return;
    }
    closeQuietly(listener);
    lastEventNanos = System.nanoTime(); // give the new stream a full period to deliver
    listenerBroken = false;
    listener = listenQuietly();
  }

  private void tick() {
    long now = System.nanoTime();
    if (now - lastTickNanos > throttleGap.toNanos()) {
      frozenSeen = true; // the process was frozen: the next request reads once
    }
    lastTickNanos = now;
    if (now - lastUseNanos > IDLE_STOP.toNanos()) {
      synchronized (this) {
        active = false;
        ticking.cancel(false); // idle instance: stop until the next request
        closeQuietly(listener);
        listener = null;
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      Log.warn("region view listener did not close cleanly", Map.of("error", e));
    }
  }

  /** Stops the listener and ticker (tests; an instance otherwise lives as long as its JVM). */
  @Override
  public synchronized void close() {
    closed = true;
    active = false;
    closeQuietly(listener);
    listener = null;
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }
}

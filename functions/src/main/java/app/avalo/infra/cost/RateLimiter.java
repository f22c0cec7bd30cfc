package app.avalo.infra.cost;

import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user, per-service rate limiting with GCRA, exact across instances.
 *
 * <p>State: one document per (service, user) ({@link RateLimitStore}), holding the theoretical
 * arrival time (TAT) in epoch microseconds. A request at time t is allowed when {@code max(TAT, t)
 * - t <= tolerance} and then moves TAT on by one emission interval; the decision and the write
 * happen in one Firestore transaction, so no two callers anywhere can spend the same slot.
 *
 * <p>Contention: a transaction on one document holds up under a few concurrent writers, not fifty.
 * So within an instance, requests for the same key are coalesced: one request at a time runs the
 * transaction and decides for every request that queued up meanwhile (GCRA admits k arrivals by
 * stepping k times), then hands the lead to the next waiter. Contention is therefore between
 * instances only, which the transaction's retries absorb ({@code COST_LIMITER_TX_ATTEMPTS}). The
 * document takes at most one write per batch, and a denied batch writes nothing.
 *
 * <p>Fast path: the last TAT this instance saw only grows, so if it already says "deny" the request
 * is denied without a Firestore call (a hammering client costs nothing). The fast path never
 * allows.
 *
 * <p>Failure: if the transaction still conflicts after all attempts the batch is denied with {@code
 * contention} — a security control fails closed.
 */
final class RateLimiter {
  private final RateLimitStore store;
  private final Clock clock;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final LocalCache<String, Long> lastSeenTat;

  /** The decision for one request; {@code retryAfterMicros} is 0 when allowed. */
  record Decision(boolean allowed, String reason, long retryAfterMicros) {
    static final Decision ALLOW = new Decision(true, null, 0);
  }

  private static final Object LEAD = new Object();

  /**
   * Requests waiting for a decision on one key; {@code leading} while one of them runs a
   * transaction.
   */
  private static final class Lane {
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    boolean leading;
  }

  /** A queued request: its answer to come and how many units it takes. */
  private record Waiter(CompletableFuture<Object> answer, long units) {}

  RateLimiter(RateLimitStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.lastSeenTat = new LocalCache<>(clock, Duration.ofMinutes(10), 100_000);
  }

  Decision acquire(CostService service, String userId, RateLimit limit) {
    return acquire(service, userId, limit, 1);
  }

  /**
   * Takes {@code units} slots at once (all or none: GCRA steps {@code units} times), e.g. an AI
   * backend asking for a batch; {@code units} is at most the limit's burst.
   */
  Decision acquire(CostService service, String userId, RateLimit limit, long units) {
    String key = RateLimitStore.key(service, userId);
    Long seen = lastSeenTat.getIfPresent(key);
    long now = nowMicros();
    if (seen != null && seen + extra(limit, units) - now > limit.toleranceMicros()) {
      return deny(seen + extra(limit, units), now, limit);
    }
    CompletableFuture<Object> mine = new CompletableFuture<>();
    Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
    boolean lead;
    synchronized (lane) {
      lead = !lane.leading;
      if (lead) {
        lane.leading = true;
      } else {
        lane.waiting.add(new Waiter(mine, units));
      }
    }
    if (!lead && mine.join() != LEAD) {
      return (Decision) mine.join();
    }
    // Leading: decide for this request and everyone queued so far, then pass the lead on.
    List<Waiter> batch = new ArrayList<>();
    synchronized (lane) {
      batch.addAll(lane.waiting);
      lane.waiting.clear();
    }
    List<Long> unitsEach = new ArrayList<>(batch.size() + 1);
    unitsEach.add(units);
    batch.forEach(w -> unitsEach.add(w.units()));
    List<Decision> decisions;
    try {
      decisions = decide(key, service, userId, limit, unitsEach);
    } catch (RuntimeException e) {
      handOff(key, lane);
      batch.forEach(w -> w.answer().completeExceptionally(e));
      throw e;
    }
    handOff(key, lane);
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).answer().complete(decisions.get(i + 1));
    }
    return decisions.get(0);
  }

  private void handOff(String key, Lane lane) {
    synchronized (lane) {
      Waiter next = lane.waiting.poll();
      if (next == null) {
        lane.leading = false;
        lanes.remove(key, lane);
      } else {
        next.answer().complete(LEAD);
      }
    }
  }

  /** One transaction deciding simultaneous requests of {@code units} each. */
  private List<Decision> decide(
      String key, CostService service, String userId, RateLimit limit, List<Long> units) {
    int count = units.size();
    Optional<RateLimitStore.Step<List<Decision>>> outcome =
        store.update(
            service,
            userId,
            stored -> {
              long now = nowMicros();
              long tat = stored.orElse(now);
              List<Decision> decisions = new ArrayList<>(count);
              int allowed = 0;
              for (int i = 0; i < count; i++) {
                long start = Math.max(tat, now);
                long last = start + extra(limit, units.get(i));
                if (last - now > limit.toleranceMicros()) {
                  decisions.add(deny(last, now, limit));
                } else {
                  tat = last + limit.intervalMicros();
                  allowed++;
                  decisions.add(Decision.ALLOW);
                }
              }
              return new RateLimitStore.Step<>(decisions, tat, allowed > 0);
            });
    if (outcome.isEmpty()) {
      Log.warn(
          "rate limiter gave up after contention; denying", Map.of("key", key, "requests", count));
      List<Decision> denied = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        denied.add(new Decision(false, "contention", 100_000));
      }
      return denied;
    }
    lastSeenTat.put(key, outcome.get().tatMicros());
    return outcome.get().result();
  }

  /** How much further than one request's step {@code units} requests reach. */
  private static long extra(RateLimit limit, long units) {
    return Math.multiplyExact(limit.intervalMicros(), units - 1);
  }

  private static Decision deny(long tat, long now, RateLimit limit) {
    return new Decision(false, "rate_limit", Math.max(1, tat - now - limit.toleranceMicros()));
  }

  private long nowMicros() {
    Instant now = clock.instant();
    return Math.addExact(
        Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1000);
  }
}

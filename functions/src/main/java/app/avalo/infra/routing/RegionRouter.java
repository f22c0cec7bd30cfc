package app.avalo.infra.routing;

import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides where a user's request for a service should go, from the in-process region view.
 *
 * <p><b>Ranking.</b> Regions are ordered by status (healthy, degraded, draining, unhealthy — the
 * last by fewest consecutive failures), then by expected latency: the client's measured RTT where
 * it gave one, else an estimate from the great-circle distance between the user and the region
 * ({@link #estimatedRttMs}), regions with a figure before those without; then the primary, then
 * priority, then capacity weight.
 *
 * <p><b>Unpinned services</b> take the first region: the lowest expected latency among healthy
 * ones, or the least bad one (with a {@code no-healthy-region} reason) when none is healthy.
 *
 * <p><b>Pinned services</b> ({@code chat}, {@code calls}, {@code wallet}) keep the user's pinned
 * region while it is healthy or degraded. When it is unhealthy or draining, the pin moves to the
 * first usable region of the ranking and the move is recorded; with no usable region anywhere the
 * pin stays put and the least bad region is answered. A user without a pin gets one on the best
 * usable region. A pin away from the user's home region (where they were first pinned) fails back
 * once the home region has been healthy for the configured period ({@link PinFailback}).
 *
 * <p>Never an error: whatever the regions' state, some region is answered.
 */
public final class RegionRouter {
  /** Fixed overhead of a round trip (TLS, server) in the distance estimate. */
  static final double BASE_RTT_MS = 5;

  /**
   * Round-trip milliseconds per km of great-circle distance: light in fibre covers ~200 km/ms, a
   * round trip doubles the path and real routes are about twice the great circle.
   */
  static final double RTT_MS_PER_KM = 0.02;

  /** How long a client may reuse an answer that is not a healthy region (it should re-ask soon). */
  static final int SHORT_TTL_SECONDS = 15;

  /** One region a client may use. */
  public record Target(String region, String endpoint) {}

  /** The answer to {@code getRouting}. */
  public record Decision(
      String region,
      String endpoint,
      boolean pinned,
      String reason,
      List<Target> fallbacks,
      int ttlSeconds) {}

  enum Basis {
    CLIENT_RTT,
    DISTANCE,
    NONE
  }

  record Candidate(Region region, RegionStatus status, Double expectedRttMs, Basis basis) {}

  /** After a failed pin read or move, how long routing answers without trying Firestore again. */
  static final Duration FIRESTORE_BACKOFF = Duration.ofSeconds(2);

  private final UserPins pins;
  private final PinCache cache;
  private final PinFailback failback;
  private final Clock clock;
  private final int ttlSeconds;
  private volatile long firestoreDownUntilNanos;

  RegionRouter(UserPins pins, PinCache cache, PinFailback failback, Clock clock, int ttlSeconds) {
    this.pins = pins;
    this.cache = cache;
    this.failback = failback;
    this.clock = clock;
    this.ttlSeconds = ttlSeconds;
  }

  /** Routes on regions read directly (no view, no pin cache generation): the uncached baseline. */
  public Decision route(String uid, RoutingQuery query, List<Region> regions) {
    return route(uid, query, new RegionView.Snapshot(regions, System.nanoTime(), true, -1));
  }

  public Decision route(String uid, RoutingQuery query, RegionView.Snapshot view) {
    Instant now = clock.instant();
    List<Candidate> ranked = rank(view.regions(), query, now);
    if (!query.service().pinned()) {
      Candidate best = ranked.get(0);
      String reason =
          best.status() == RegionStatus.HEALTHY ? choiceReason(best) : leastBadReason(best);
      return decision(best, false, reason, ranked);
    }
    try {
      return routePinned(uid, query, ranked, now, view.generation(), true);
    } catch (TimeoutException | RuntimeException e) {
      // Firestore is unreachable or slow: answer from the view and what this instance knows.
      firestoreDownUntilNanos = System.nanoTime() + FIRESTORE_BACKOFF.toNanos();
      Log.warn(
          "pin unavailable; routing from the view and the cached pin",
          Map.of("uid", uid, "error", String.valueOf(e)));
      return withoutFirestore(uid, ranked);
    }
  }

  /**
   * The answer when the pin cannot be read or moved: the cached pin's region if it is usable, else
   * the best usable region (the pin is left as it is; a later call moves it).
   */
  private Decision withoutFirestore(String uid, List<Candidate> ranked) {
    Optional<Pin> known = cache.lastKnown(uid);
    if (known.isPresent()) {
      Optional<Candidate> pinned =
          ranked.stream().filter(c -> c.region().id().equals(known.get().regionId())).findFirst();
      if (pinned.isPresent() && pinned.get().status().usable()) {
        return decision(pinned.get(), true, "pinned (cached pin: Firestore unavailable)", ranked);
      }
    }
    Candidate best =
        ranked.stream().filter(c -> c.status().usable()).findFirst().orElse(ranked.get(0));
    String why = best.status().usable() ? choiceReason(best) : leastBadReason(best);
    return decision(
        best,
        false,
        "pin-unavailable: Firestore unavailable"
            + (known.isPresent() ? ", cached pin " + known.get().regionId() + " is not usable" : "")
            + "; answering "
            + why,
        ranked);
  }

  private Decision routePinned(
      String uid,
      RoutingQuery query,
      List<Candidate> ranked,
      Instant now,
      long generation,
      boolean retry)
      throws TimeoutException {
    Map<String, Candidate> byId =
        ranked.stream().collect(Collectors.toMap(c -> c.region().id(), Function.identity()));
    Optional<Pin> pin = cache.fresh(uid, generation);
    Optional<Candidate> usable = ranked.stream().filter(c -> c.status().usable()).findFirst();
    boolean goingHome = false;
    if (pin.isPresent()
        && failsBack(pin.get(), byId, now)
        && (goingHome || failback.tryTake(now))) {
      goingHome = true;
      pin = Optional.empty(); // read it: the move must start from the stored pin
    }
    if (pin.isPresent()
        && byId.containsKey(pin.get().regionId())
        && byId.get(pin.get().regionId()).status().usable()) {
      Candidate pinned = byId.get(pin.get().regionId());
      return decision(pinned, true, pinnedReason(pinned), ranked); // no Firestore read
    }
    if (System.nanoTime() < firestoreDownUntilNanos) {
      throw new TimeoutException("Firestore failed within the last " + FIRESTORE_BACKOFF);
    }
    pin = pins.find(uid);
    pin.ifPresent(p -> cache.put(p, generation));
    if (pin.isPresent()
        && failsBack(pin.get(), byId, now)
        && (goingHome || failback.tryTake(now))) {
      Candidate home = byId.get(pin.get().home());
      String reason =
          "pin-failback: "
              + home.region().id()
              + " healthy for "
              + failback.after().toMinutes()
              + " min, moved home from "
              + pin.get().regionId();
      Pin moved =
          pins.move(uid, pin.get().regionId(), home.region().id(), query.service(), reason, now);
      cache.put(moved, generation);
      Candidate current = byId.get(moved.regionId());
      if (current != null && current.status().usable()) {
        return decision(
            current, true, current.equals(home) ? reason : pinnedReason(current), ranked);
      }
    }
    if (pin.isPresent() && byId.containsKey(pin.get().regionId())) {
      Candidate pinned = byId.get(pin.get().regionId());
      if (pinned.status().usable()) {
        return decision(pinned, true, pinnedReason(pinned), ranked);
      }
      if (usable.isEmpty()) {
        Candidate leastBad = ranked.get(0);
        return decision(
            leastBad,
            leastBad.equals(pinned),
            leastBad.equals(pinned)
                ? leastBadReason(leastBad)
                : leastBadReason(leastBad) + "; pin kept on " + pinned.region().id(),
            ranked);
      }
      Candidate target = usable.get();
      String reason =
          "pin-failover: "
              + pinned.region().id()
              + " is "
              + pinned.status().wire()
              + ", moved to "
              + target.region().id();
      Pin moved =
          pins.move(uid, pinned.region().id(), target.region().id(), query.service(), reason, now);
      cache.put(moved, generation);
      Candidate current = byId.get(moved.regionId());
      if (current != null && !current.equals(target) && current.status().usable()) {
        return decision(current, true, "pinned", ranked); // a concurrent request moved it first
      }
      return decision(target, true, reason, ranked);
    }
    if (usable.isEmpty()) {
      return decision(
          ranked.get(0), false, leastBadReason(ranked.get(0)) + "; no pin assigned", ranked);
    }
    Candidate target = usable.get();
    if (pin.isPresent()) {
      // Pinned to a region that no longer exists: move the pin like a failover.
      String reason =
          "pin-failover: region "
              + pin.get().regionId()
              + " no longer exists, moved to "
              + target.region().id();
      cache.put(
          pins.move(uid, pin.get().regionId(), target.region().id(), query.service(), reason, now),
          generation);
      return decision(target, true, reason, ranked);
    }
    Pin assigned = pins.assign(uid, target.region().id(), query.service(), now);
    cache.put(assigned, generation);
    if (!assigned.regionId().equals(target.region().id()) && retry) {
      // another request pinned the user first
      return routePinned(uid, query, ranked, now, generation, false);
    }
    return decision(target, true, "pin-assigned: " + choiceReason(target), ranked);
  }

  /** True when the pin is away from its home region and the home has been healthy long enough. */
  private boolean failsBack(Pin pin, Map<String, Candidate> byId, Instant now) {
    Candidate home = byId.get(pin.home());
    return home != null
        && !pin.home().equals(pin.regionId())
        && failback.homeIsReady(home.region(), now);
  }

  private static String pinnedReason(Candidate pinned) {
    return pinned.status() == RegionStatus.HEALTHY ? "pinned" : "pinned: region is degraded";
  }

  /** Orders regions best first (see the class comment). */
  static List<Candidate> rank(List<Region> regions, RoutingQuery query, Instant now) {
    return regions.stream()
        .map(r -> candidate(r, query, now))
        .sorted(
            Comparator.comparingInt((Candidate c) -> c.status().badness())
                .thenComparingInt(
                    c ->
                        c.status() == RegionStatus.UNHEALTHY
                            ? c.region().health().consecutiveFailures()
                            : 0)
                .thenComparing(c -> c.expectedRttMs() == null)
                .thenComparingDouble(c -> c.expectedRttMs() == null ? 0 : c.expectedRttMs())
                .thenComparing(c -> !c.region().definition().primary())
                .thenComparingInt(c -> c.region().definition().priority())
                .thenComparing(
                    Comparator.comparingInt(
                            (Candidate c) -> c.region().definition().capacityWeight())
                        .reversed())
                .thenComparing(c -> c.region().id()))
        .toList();
  }

  private static Candidate candidate(Region region, RoutingQuery query, Instant now) {
    RegionStatus status = region.status(now);
    Double measured = query.rttMs().get(region.id());
    if (measured != null) {
      return new Candidate(region, status, measured, Basis.CLIENT_RTT);
    }
    if (query.location() != null) {
      double km = query.location().distanceKm(region.definition().location());
      return new Candidate(region, status, estimatedRttMs(km), Basis.DISTANCE);
    }
    return new Candidate(region, status, null, Basis.NONE);
  }

  /** Expected round trip to a region {@code km} away along the great circle. */
  static double estimatedRttMs(double km) {
    return BASE_RTT_MS + km * RTT_MS_PER_KM;
  }

  private static String choiceReason(Candidate c) {
    return switch (c.basis()) {
      case CLIENT_RTT -> "lowest-client-rtt";
      case DISTANCE -> "nearest-region";
      case NONE -> c.region().definition().primary() ? "primary-region" : "priority-order";
    };
  }

  private static String leastBadReason(Candidate c) {
    return "no-healthy-region: answering the least bad region, "
        + c.region().id()
        + " ("
        + c.status().wire()
        + ")";
  }

  private Decision decision(
      Candidate chosen, boolean pinned, String reason, List<Candidate> ranked) {
    boolean anyUsable = ranked.stream().anyMatch(c -> c.status().usable());
    List<Target> fallbacks =
        ranked.stream()
            .filter(c -> !c.equals(chosen) && (c.status().usable() || !anyUsable))
            .map(c -> new Target(c.region().id(), c.region().definition().endpoint()))
            .toList();
    int ttl =
        chosen.status() == RegionStatus.HEALTHY
            ? ttlSeconds
            : Math.min(ttlSeconds, SHORT_TTL_SECONDS);
    return new Decision(
        chosen.region().id(),
        chosen.region().definition().endpoint(),
        pinned,
        reason,
        fallbacks,
        ttl);
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.ConfigReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The routing domain's configuration, read once per instance from the environment (every variable
 * is optional; the defaults are the SPEC's). See docs/routing.md for the table.
 *
 * @param vantage the region this instance's health checker probes from ({@code ROUTING_VANTAGE},
 *     else the region deployed in the instance's {@code FUNCTION_REGION}, else the primary)
 * @param checkerVantages the vantages one {@code runHealthChecks} run checks from: {@code vantage}
 *     alone in production; locally {@code ROUTING_SIMULATED_VANTAGES} simulates several
 */
public record RoutingConfig(
    int healthRounds,
    Duration roundInterval,
    Duration probeConnectTimeout,
    Duration probeTimeout,
    int failuresToUnhealthy,
    int successesToHealthy,
    long degradedLatencyMs,
    int healthWindow,
    int intermittentFailures,
    Duration heartbeat,
    Duration viewStaleAfter,
    Duration viewThrottleGap,
    int pinCacheSize,
    Duration pinCacheTtl,
    Duration pinFailbackAfter,
    int pinFailbackPerSecond,
    int ttlSeconds,
    int failoverBatchSize,
    int failoverPartitions,
    int failoverStartRate,
    int defaultDrainMinutes,
    List<RegionDefinition> regions,
    String vantage,
    List<String> checkerVantages,
    Duration healthEndpointTimeout) {

  /** The path of the {@code regionHealth} function under a region's endpoint. */
  static final String HEALTH_PATH = "/regionHealth";

  /**
   * Reads and validates; problems are collected in {@code reader} (the caller throws them all at
   * once).
   */
  public static RoutingConfig read(ConfigReader reader, String projectId) {
    return read(reader, projectId, null);
  }

  /**
   * As {@link #read(ConfigReader, String)} for a checker running in {@code gcpRegion} (the
   * platform's {@code FUNCTION_REGION}): its vantage is the region deployed there unless {@code
   * ROUTING_VANTAGE} names one.
   */
  public static RoutingConfig read(ConfigReader reader, String projectId, String gcpRegion) {
    List<RegionDefinition> regions = new ArrayList<>();
    for (RegionDefinition skeleton : RegionDefinition.SKELETON) {
      String stem = skeleton.envStem();
      String base = "https://" + skeleton.gcpRegion() + "-" + projectId + ".cloudfunctions.net";
      String endpoint = url(reader, stem + "_ENDPOINT", base);
      String health = url(reader, stem + "_HEALTH_URL", endpoint + HEALTH_PATH);
      regions.add(skeleton.withUrls(endpoint, health));
    }
    String deployedHere =
        RegionDefinition.SKELETON.stream()
            .filter(d -> d.gcpRegion().equals(gcpRegion))
            .map(RegionDefinition::id)
            .findFirst()
            .orElse(RegionDefinition.SKELETON.get(0).id());
    String vantage =
        regionId(reader, "ROUTING_VANTAGE", reader.optional("ROUTING_VANTAGE", deployedHere));
    List<String> checkers = new ArrayList<>();
    for (String v : reader.list("ROUTING_SIMULATED_VANTAGES", List.of(vantage))) {
      if (checkers.contains(v)) {
        reader.problem("ROUTING_SIMULATED_VANTAGES lists " + v + " twice");
      }
      checkers.add(regionId(reader, "ROUTING_SIMULATED_VANTAGES", v));
    }
    Duration heartbeat =
        Duration.ofSeconds(reader.longValue("ROUTING_HEARTBEAT_SECONDS", 60, 10, 3_600));
    return new RoutingConfig(
        reader.intValue("ROUTING_HEALTH_ROUNDS", 6, 1, 12),
        Duration.ofMillis(reader.longValue("ROUTING_HEALTH_INTERVAL_MS", 10_000, 0, 60_000)),
        Duration.ofMillis(reader.longValue("ROUTING_PROBE_CONNECT_TIMEOUT_MS", 2_000, 100, 10_000)),
        Duration.ofMillis(reader.longValue("ROUTING_PROBE_TIMEOUT_MS", 2_000, 100, 10_000)),
        reader.intValue("ROUTING_FAILURES_TO_UNHEALTHY", 3, 1, 20),
        reader.intValue("ROUTING_SUCCESSES_TO_HEALTHY", 2, 1, 20),
        reader.longValue("ROUTING_DEGRADED_LATENCY_MS", 800, 1, 60_000),
        reader.intValue("ROUTING_HEALTH_WINDOW", 10, 3, 60),
        reader.intValue("ROUTING_INTERMITTENT_FAILURES", 2, 1, 60),
        heartbeat,
        // A healthy listener hears each region's heartbeat; silence for longer means a stall.
        Duration.ofSeconds(
            reader.longValue(
                "ROUTING_VIEW_STALE_AFTER_SECONDS",
                heartbeat.toSeconds() + 30,
                heartbeat.toSeconds() + 1,
                7_200)),
        Duration.ofMillis(reader.longValue("ROUTING_VIEW_THROTTLE_GAP_MS", 1_000, 500, 60_000)),
        reader.intValue("ROUTING_PIN_CACHE_SIZE", 20_000, 0, 1_000_000),
        Duration.ofSeconds(reader.longValue("ROUTING_PIN_CACHE_TTL_SECONDS", 30, 1, 600)),
        Duration.ofMinutes(reader.longValue("ROUTING_PIN_FAILBACK_AFTER_MINUTES", 30, 0, 10_080)),
        reader.intValue("ROUTING_PIN_FAILBACK_PER_SECOND", 20, 1, 10_000),
        reader.intValue("ROUTING_TTL_SECONDS", 60, 5, 3_600),
        reader.intValue("ROUTING_FAILOVER_BATCH_SIZE", 500, 1, 500),
        reader.intValue("ROUTING_FAILOVER_PARTITIONS", 8, 1, 62),
        reader.intValue("ROUTING_FAILOVER_START_RATE", 500, 1, 100_000),
        reader.intValue("ROUTING_DRAIN_DEFAULT_MINUTES", 60, 1, 10_080),
        List.copyOf(regions),
        vantage,
        List.copyOf(checkers),
        Duration.ofMillis(
            reader.longValue("ROUTING_HEALTH_ENDPOINT_TIMEOUT_MS", 1_000, 100, 1_900)));
  }

  /** A vantage's report counts in the quorum for two heartbeats and a run's slack. */
  Duration vantageStaleAfter() {
    return heartbeat.multipliedBy(2).plusSeconds(30);
  }

  private static String regionId(ConfigReader reader, String name, String value) {
    if (!RegionDefinition.ids().contains(value)) {
      reader.problem(name + " must be one of " + RegionDefinition.ids() + " (got '" + value + "')");
    }
    return value;
  }

  /** Longest one probe round can take: both timeouts plus a little for the client's bookkeeping. */
  Duration probeBudget() {
    return probeConnectTimeout.plus(probeTimeout).plusMillis(500);
  }

  RegionDefinition region(String id) {
    return regions.stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no region " + id));
  }

  private static String url(ConfigReader reader, String name, String defaultValue) {
    String value = reader.optional(name, defaultValue);
    if (!isHttpUrl(value)) {
      reader.problem(name + " must be an absolute http(s) URL (got '" + value + "')");
    }
    return value;
  }

  /** An absolute http or https URL with a host, no credentials and no fragment. */
  static boolean isHttpUrl(String value) {
    try {
      URI uri = new URI(value);
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getUserInfo() == null
          && uri.getFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}

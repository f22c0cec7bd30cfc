package app.avalo.infra.scaling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Which Cloud Run services each logical service runs as ({@code SCALING_SERVICE_MAP}).
 *
 * <p>Syntax: {@code functions=avalo-functions|us-west1/avalo-functions;ai=avalo-ai;…} — entries
 * separated by {@code ;}, Cloud Run services by {@code |}, each optionally prefixed with its region
 * (default: the deployment region). Every logical service must be mapped, each Cloud Run service at
 * most once. Capacity is decided per region (see {@link RegionPlanner}) and spread evenly over a
 * region's Cloud Run services.
 */
public final class ServiceMap {
  /**
   * Cloud Run service ids: lowercase letters, digits and hyphens, starting with a letter, ≤ 49
   * chars.
   */
  private static final Pattern SERVICE_ID = Pattern.compile("[a-z]([a-z0-9-]{0,47}[a-z0-9])?");

  private static final Pattern REGION = Pattern.compile("[a-z]+-[a-z]+[0-9]+");

  /** One Cloud Run service. */
  public record CloudRunService(String region, String service) {
    @Override
    public String toString() {
      return region + "/" + service;
    }
  }

  /** What the actuator is asked to set on one Cloud Run service. */
  public record Target(CloudRunService cloudRun, int minInstances, int maxInstances) {}

  private final Map<LogicalService, List<CloudRunService>> services;

  private ServiceMap(Map<LogicalService, List<CloudRunService>> services) {
    this.services = Collections.unmodifiableMap(services);
  }

  /** {@code avalo-<service>} in the deployment region for every logical service. */
  public static String defaultSpec() {
    List<String> entries = new ArrayList<>();
    for (LogicalService s : LogicalService.values()) {
      entries.add(s.id() + "=avalo-" + s.id());
    }
    return String.join(";", entries);
  }

  /** Parses {@code spec}; every problem goes to {@code problems} (the map may then be partial). */
  public static ServiceMap parse(String spec, String defaultRegion, Consumer<String> problems) {
    Map<LogicalService, List<CloudRunService>> map = new EnumMap<>(LogicalService.class);
    Set<CloudRunService> seen = new HashSet<>();
    for (String entry : spec.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.split("=", 2);
      String logical = parts[0].trim();
      LogicalService service = LogicalService.byId(logical).orElse(null);
      if (service == null) {
        problems.accept(
            "SCALING_SERVICE_MAP names unknown service '"
                + logical
                + "' (known: "
                + String.join(", ", LogicalService.ids())
                + ")");
        continue;
      }
      if (parts.length < 2 || parts[1].isBlank()) {
        problems.accept("SCALING_SERVICE_MAP entry '" + logical + "' maps to no Cloud Run service");
        continue;
      }
      if (map.containsKey(service)) {
        problems.accept("SCALING_SERVICE_MAP lists '" + logical + "' twice");
        continue;
      }
      List<CloudRunService> cloudRun = new ArrayList<>();
      for (String raw : parts[1].split("\\|")) {
        String name = raw.trim();
        String region = defaultRegion;
        int slash = name.indexOf('/');
        if (slash >= 0) {
          region = name.substring(0, slash);
          name = name.substring(slash + 1);
          if (!REGION.matcher(region).matches()) {
            problems.accept("SCALING_SERVICE_MAP: '" + raw.trim() + "' has an invalid region");
            continue;
          }
        }
        if (!SERVICE_ID.matcher(name).matches()) {
          problems.accept(
              "SCALING_SERVICE_MAP: '"
                  + raw.trim()
                  + "' is not a Cloud Run service id (lowercase letters, digits, hyphens; starts"
                  + " with a letter; at most 49 characters)");
          continue;
        }
        CloudRunService target = new CloudRunService(region, name);
        if (!seen.add(target)) {
          problems.accept(
              "SCALING_SERVICE_MAP maps Cloud Run service " + target + " more than once");
          continue;
        }
        cloudRun.add(target);
      }
      map.put(service, List.copyOf(cloudRun));
    }
    for (LogicalService s : LogicalService.values()) {
      if (!map.containsKey(s)) {
        problems.accept("SCALING_SERVICE_MAP does not map service '" + s.id() + "'");
      }
    }
    return new ServiceMap(map);
  }

  public List<CloudRunService> cloudRunServices(LogicalService service) {
    return services.getOrDefault(service, List.of());
  }

  /**
   * Spreads a logical service's instance bounds over its Cloud Run services: each gets {@code
   * ceil(min / n)} and {@code ceil(max / n)} (never below its own min), so the totals are at least
   * what the controller decided.
   */
  public List<Target> targets(LogicalService service, int minInstances, int maxInstances) {
    List<CloudRunService> cloudRun = cloudRunServices(service);
    int n = Math.max(1, cloudRun.size());
    int min = ceilDiv(minInstances, n);
    int max = Math.max(min, ceilDiv(maxInstances, n));
    return cloudRun.stream().map(c -> new Target(c, min, max)).toList();
  }

  /** The distinct regions the service runs in, in map order. */
  public List<String> regions(LogicalService service) {
    return cloudRunServices(service).stream().map(CloudRunService::region).distinct().toList();
  }

  /**
   * Each Cloud Run service's bounds from the regions' decisions: a region's floor and max spread
   * evenly over its services ({@code ceil} each). A decision for the whole service ({@link
   * RegionShare#WHOLE}) is spread over the regions by {@code wholeShares} (the traffic routing
   * sends them), then evenly within each.
   *
   * @param bounds per region (or {@code all}): {min, max}
   */
  public List<Target> targets(
      LogicalService service, Map<String, int[]> bounds, Map<String, Double> wholeShares) {
    List<CloudRunService> cloudRun = cloudRunServices(service);
    List<String> regions = regions(service);
    List<Target> out = new ArrayList<>();
    for (CloudRunService c : cloudRun) {
      int inRegion = (int) cloudRun.stream().filter(x -> x.region().equals(c.region())).count();
      int[] b = bounds.get(c.region());
      double share = 1.0;
      if (b == null) {
        b = bounds.getOrDefault(RegionShare.WHOLE, new int[] {0, 1});
        share = wholeShares.getOrDefault(c.region(), 1.0 / regions.size());
      }
      int min = ceilDiv(ScalingController.ceil(b[0] * share), inRegion);
      int max = Math.max(min, Math.max(1, ceilDiv(ScalingController.ceil(b[1] * share), inRegion)));
      out.add(new Target(c, min, max));
    }
    return out;
  }

  /** The targets in one comparable string ({@code region/service=min..max;…}). */
  static String key(List<Target> targets) {
    return String.join(
        ";",
        targets.stream()
            .map(t -> t.cloudRun() + "=" + t.minInstances() + ".." + t.maxInstances())
            .toList());
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}

package app.avalo.infra.routing;

import java.util.List;
import java.util.Locale;

/**
 * What a region is (as opposed to how it is doing): identity, place, where its health probe and its
 * public endpoint live, and how much traffic it should get. {@code initializeRegions} writes these
 * into {@code regions/{id}}.
 *
 * @param priority lower is preferred when nothing else decides (the primary is 1)
 * @param capacityWeight relative capacity; breaks ties in favour of the bigger region
 */
public record RegionDefinition(
    String id,
    String name,
    String city,
    String gcpRegion,
    GeoPoint location,
    boolean primary,
    int priority,
    int capacityWeight,
    String endpoint,
    String healthUrl) {

  /** The three regions of the SPEC, without URLs (those come from configuration). */
  static final List<RegionDefinition> SKELETON =
      List.of(
          new RegionDefinition(
              "EU",
              "Europe (Berlin)",
              "Berlin",
              "europe-west10",
              new GeoPoint(52.5200, 13.4050),
              true,
              1,
              100,
              null,
              null),
          new RegionDefinition(
              "US",
              "United States (San Francisco)",
              "San Francisco",
              "us-west1",
              new GeoPoint(37.7749, -122.4194),
              false,
              2,
              60,
              null,
              null),
          new RegionDefinition(
              "ASIA",
              "Asia (Tokyo)",
              "Tokyo",
              "asia-northeast1",
              new GeoPoint(35.6762, 139.6503),
              false,
              3,
              60,
              null,
              null));

  /** The region ids routing knows; input naming any other region is refused. */
  public static List<String> ids() {
    return SKELETON.stream().map(RegionDefinition::id).toList();
  }

  RegionDefinition withUrls(String endpoint, String healthUrl) {
    return new RegionDefinition(
        id,
        name,
        city,
        gcpRegion,
        location,
        primary,
        priority,
        capacityWeight,
        endpoint,
        healthUrl);
  }

  RegionDefinition withOverrides(
      String endpoint, String healthUrl, Integer priority, Integer capacityWeight) {
    return new RegionDefinition(
        id,
        name,
        city,
        gcpRegion,
        location,
        primary,
        priority != null ? priority : this.priority,
        capacityWeight != null ? capacityWeight : this.capacityWeight,
        endpoint != null ? endpoint : this.endpoint,
        healthUrl != null ? healthUrl : this.healthUrl);
  }

  /** The env-var stem for this region's URLs, e.g. {@code ROUTING_REGION_EU}. */
  String envStem() {
    return "ROUTING_REGION_" + id.toUpperCase(Locale.ROOT);
  }
}

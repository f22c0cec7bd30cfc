package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated {@code getRouting} input: the service, where the user is (coordinates, or a country's
 * reference point), and the round-trip times the client measured to some regions.
 *
 * @param location null when the client gave neither {@code location} nor {@code country}
 * @param rttMs measured RTT per region id; empty when not given
 */
public record RoutingQuery(
    RoutedService service, GeoPoint location, String country, Map<String, Double> rttMs) {
  static final double MAX_RTT_MS = 60_000;
  private static final Pattern ALPHA2 = Pattern.compile("[A-Za-z]{2}");

  /** Reads and validates every field; the caller still calls {@code data.done()}. */
  public static RoutingQuery read(Fields data, CountryCentroids countries, List<String> regionIds) {
    RoutedService service = data.enumValue("service", RoutedService.class);
    GeoPoint location = null;
    Optional<Fields> point = data.optionalObject("location");
    if (point.isPresent()) {
      Fields p = point.get();
      location = new GeoPoint(p.doubleValue("lat", -90, 90), p.doubleValue("lng", -180, 180));
      p.done();
    }
    String country = data.optionalString("country", 16).orElse(null);
    if (country != null) {
      if (!ALPHA2.matcher(country).matches()) {
        throw ApiException.invalidArgument(
            "country", "must be an ISO 3166-1 alpha-2 code such as DE");
      }
      country = country.toUpperCase(Locale.ROOT);
      if (location != null) {
        throw ApiException.invalidArgument("country", "give either location or country, not both");
      }
      String code = country;
      location =
          countries
              .find(code)
              .orElseThrow(
                  () ->
                      ApiException.invalidArgument(
                          "country", "'" + code + "' is not an assigned ISO 3166-1 alpha-2 code"));
    }
    Map<String, Double> rtt = new LinkedHashMap<>();
    Optional<Fields> measured = data.optionalObject("rttMs");
    if (measured.isPresent()) {
      Fields m = measured.get();
      for (String regionId : m.keys()) {
        if (!regionIds.contains(regionId)) {
          throw ApiException.invalidArgument(
              m.path(regionId), "is not a region (" + String.join(", ", regionIds) + ")");
        }
        rtt.put(regionId, m.doubleValue(regionId, 0, MAX_RTT_MS));
      }
      m.done();
    }
    return new RoutingQuery(service, location, country, Map.copyOf(rtt));
  }
}

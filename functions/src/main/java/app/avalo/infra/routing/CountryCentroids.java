package app.avalo.infra.routing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a country's users are, for routing by {@code country}: one reference point per ISO 3166-1
 * alpha-2 code, from the shipped {@code country-centroids.csv} (population-weighted centroids; the
 * file's header says how it was made).
 */
public final class CountryCentroids {
  static final String RESOURCE = "/app/avalo/infra/routing/country-centroids.csv";

  private final Map<String, GeoPoint> byCode;

  private CountryCentroids(Map<String, GeoPoint> byCode) {
    this.byCode = Map.copyOf(byCode);
  }

  /** The table shipped in the jar; fails loudly if it is missing or malformed. */
  public static CountryCentroids bundled() {
    try (InputStream in = CountryCentroids.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("country table missing from the classpath at " + RESOURCE);
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CountryCentroids parse(BufferedReader reader) throws IOException {
    Map<String, GeoPoint> table = new HashMap<>();
    String line;
    int lineNo = 0;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.split(",", 5);
      if (cols.length < 3 || !cols[0].matches("[A-Z]{2}")) {
        throw new IllegalStateException(RESOURCE + ":" + lineNo + ": expected code,lat,lng,…");
      }
      double lat = Double.parseDouble(cols[1]);
      double lng = Double.parseDouble(cols[2]);
      if (Math.abs(lat) > 90
          || Math.abs(lng) > 180
          || table.put(cols[0], new GeoPoint(lat, lng)) != null) {
        throw new IllegalStateException(
            RESOURCE + ":" + lineNo + ": bad or duplicate row for " + cols[0]);
      }
    }
    return new CountryCentroids(table);
  }

  /** The reference point of an upper-case alpha-2 code, if the code is assigned. */
  public Optional<GeoPoint> find(String alpha2) {
    return Optional.ofNullable(byCode.get(alpha2));
  }

  public int size() {
    return byCode.size();
  }
}

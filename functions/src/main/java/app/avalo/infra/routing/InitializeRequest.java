package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A validated {@code initializeRegions} input, {@code {regions?: [{id, endpoint?, healthUrl?,
 * priority?, capacityWeight?}]}}: explicit settings per region id, each region listed at most once.
 * {@link #read} checks every field and refuses unknown ones.
 *
 * @param settings by region id, in the order given; regions not listed keep their settings
 */
record InitializeRequest(Map<String, RegionSettings> settings) {
  static final int MAX_URL_LENGTH = 2048;
  static final int MAX_PRIORITY = 100;
  static final int MAX_CAPACITY_WEIGHT = 10_000;

  static InitializeRequest read(Fields data) {
    Map<String, RegionSettings> settings = new LinkedHashMap<>();
    if (data.raw("regions").isPresent()) {
      List<Fields> items = data.objects("regions", RegionDefinition.ids().size());
      for (Fields item : items) {
        String id = item.oneOf("id", RegionDefinition.ids());
        if (settings.containsKey(id)) {
          throw ApiException.invalidArgument(item.path("id"), "region " + id + " is listed twice");
        }
        String endpoint = url(item, "endpoint");
        String healthUrl = url(item, "healthUrl");
        Integer priority = optionalInt(item, "priority", MAX_PRIORITY);
        Integer weight = optionalInt(item, "capacityWeight", MAX_CAPACITY_WEIGHT);
        item.done();
        settings.put(id, new RegionSettings(endpoint, healthUrl, priority, weight));
      }
    }
    data.done();
    return new InitializeRequest(settings);
  }

  private static Integer optionalInt(Fields item, String field, int max) {
    OptionalLong value = item.optionalLong(field, 1, max);
    return value.isPresent() ? (int) value.getAsLong() : null;
  }

  private static String url(Fields item, String field) {
    String value = item.optionalString(field, MAX_URL_LENGTH).orElse(null);
    if (value != null && !RoutingConfig.isHttpUrl(value)) {
      throw ApiException.invalidArgument(item.path(field), "must be an absolute http(s) URL");
    }
    return value;
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * {@code initializeRegions} (admin, audited): creates the EU, US and ASIA region documents, or
 * brings their definitions up to date. Called once per environment (deploy runbook, local seed) and
 * whenever a region's URLs, priority or capacity change: {@code {regions?: [{id, endpoint?,
 * healthUrl?, priority?, capacityWeight?}]}}. Idempotent; never touches live status, health history
 * or a drain.
 */
public final class InitializeRegions extends ApiFunction {
  private final Supplier<RoutingModule> routing;

  public InitializeRegions() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  InitializeRegions(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    Map<String, RegionStore.RegionSettings> overrides = new LinkedHashMap<>();
    if (data.raw("regions").isPresent()) {
      List<Fields> items = data.objects("regions", RegionDefinition.ids().size());
      for (int i = 0; i < items.size(); i++) {
        Fields item = items.get(i);
        String id = item.oneOf("id", RegionDefinition.ids());
        if (overrides.containsKey(id)) {
          throw ApiException.invalidArgument(item.path("id"), "region " + id + " is listed twice");
        }
        String endpoint = url(item, "endpoint");
        String healthUrl = url(item, "healthUrl");
        Integer priority = optionalInt(item, "priority", 100);
        Integer weight = optionalInt(item, "capacityWeight", 10_000);
        item.done();
        overrides.put(id, new RegionStore.RegionSettings(endpoint, healthUrl, priority, weight));
      }
    }
    data.done();
    RoutingModule routing = this.routing.get();
    Instant now = platform().clock().instant();
    Map<String, String> outcome =
        routing.regions().initialize(routing.config().regions(), overrides, now);
    routing.view().refreshNow();
    List<Map<String, Object>> regions =
        routing.regions().loadAll().stream()
            .map(
                r -> {
                  Map<String, Object> row = new LinkedHashMap<>();
                  row.put("id", r.id());
                  row.put("outcome", outcome.getOrDefault(r.id(), "unchanged"));
                  row.put("endpoint", r.definition().endpoint());
                  row.put("healthUrl", r.definition().healthUrl());
                  row.put("priority", r.definition().priority());
                  row.put("capacityWeight", r.definition().capacityWeight());
                  row.put("status", r.status(now).wire());
                  return row;
                })
            .toList();
    return Map.of("regions", regions);
  }

  private static Integer optionalInt(Fields item, String field, int max) {
    OptionalLong value = item.optionalLong(field, 1, max);
    return value.isPresent() ? (int) value.getAsLong() : null;
  }

  private static String url(Fields item, String field) {
    String value = item.optionalString(field, 2048).orElse(null);
    if (value != null && !RoutingConfig.isHttpUrl(value)) {
      throw ApiException.invalidArgument(item.path(field), "must be an absolute http(s) URL");
    }
    return value;
  }
}

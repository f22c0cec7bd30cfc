package app.avalo.infra.cost;

import app.avalo.infra.platform.DocWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two configuration documents in {@code costConfig}: {@code prices} (two arrays of plain
 * objects, since model names contain dots, which must not become map keys) and {@code rateLimits}
 * ({@code {limits: [{service, requests, periodSeconds, burst}]}}). A malformed entry is a
 * configuration error that names the entry.
 */
final class PricingCodec {
  private PricingCodec() {}

  static Map<String, Object> toPrices(PriceTable prices) {
    List<DocWriter> ai = new ArrayList<>();
    prices.models().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                ai.add(
                    DocWriter.create()
                        .field("model", e.getKey())
                        .field("inputMicrosPer1k", e.getValue().inputMicrosPer1k())
                        .field("outputMicrosPer1k", e.getValue().outputMicrosPer1k())));
    List<DocWriter> bw = new ArrayList<>();
    for (CostService service : CostService.BANDWIDTH) {
      prices.bandwidth().getOrDefault(service, Map.of()).entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  bw.add(
                      DocWriter.create()
                          .field("service", service.wire())
                          .field("region", e.getKey())
                          .field("microsPerGiB", e.getValue())));
    }
    return DocWriter.create()
        .field("ai", ai)
        .field("bandwidth", bw)
        .field(
            "unit",
            "micros = millionths of a grosz; AI per 1000 tokens, bandwidth per GiB (2^30 bytes)")
        .map();
  }

  static PriceTable fromPrices(Map<String, Object> doc) {
    Map<String, PriceTable.ModelPrice> models = new HashMap<>();
    for (Map<?, ?> row : rows(doc, "ai")) {
      String model = text(row, "ai", "model");
      models.put(
          model,
          new PriceTable.ModelPrice(
              price(row, "ai " + model, "inputMicrosPer1k"),
              price(row, "ai " + model, "outputMicrosPer1k")));
    }
    Map<CostService, Map<String, Long>> bandwidth = new HashMap<>();
    for (Map<?, ?> row : rows(doc, "bandwidth")) {
      String wire = text(row, "bandwidth", "service");
      CostService service =
          CostService.fromWire(wire)
              .filter(CostService::isBandwidth)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "costConfig/prices: bandwidth service '"
                              + wire
                              + "' is not one of "
                              + CostService.BANDWIDTH));
      String region = text(row, "bandwidth " + wire, "region");
      bandwidth
          .computeIfAbsent(service, s -> new HashMap<>())
          .put(region, price(row, "bandwidth " + wire, "microsPerGiB"));
    }
    return new PriceTable(models, bandwidth);
  }

  static Map<String, Object> toRateLimits(Map<CostService, RateLimit> limits) {
    List<DocWriter> rows = new ArrayList<>();
    limits.forEach(
        (service, limit) ->
            rows.add(
                DocWriter.create()
                    .field("service", service.wire())
                    .field("requests", limit.requests())
                    .field("periodSeconds", limit.period().toSeconds())
                    .field("burst", limit.burst())));
    return DocWriter.create().field("limits", rows).map();
  }

  static Map<CostService, RateLimit> fromRateLimits(Map<String, Object> doc) {
    Map<CostService, RateLimit> limits = new LinkedHashMap<>();
    if (!(doc.get("limits") instanceof List<?> rows)) {
      throw new IllegalStateException("costConfig/rateLimits: limits must be an array");
    }
    for (Object row : rows) {
      if (!(row instanceof Map<?, ?> map)
          || !(map.get("service") instanceof String wire)
          || !(map.get("requests") instanceof Long requests)
          || !(map.get("periodSeconds") instanceof Long seconds)
          || !(map.get("burst") instanceof Long burst)) {
        throw new IllegalStateException(
            "costConfig/rateLimits: each limit needs service, requests, periodSeconds, burst");
      }
      CostService service =
          CostService.fromWire(wire)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "costConfig/rateLimits: unknown service '" + wire + "'"));
      limits.put(service, new RateLimit(requests, Duration.ofSeconds(seconds), burst));
    }
    return limits;
  }

  private static List<Map<?, ?>> rows(Map<String, Object> doc, String field) {
    Object value = doc.get(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalStateException("costConfig/prices: " + field + " must be an array");
    }
    List<Map<?, ?>> rows = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> map)) {
        throw new IllegalStateException("costConfig/prices: " + field + " entries must be objects");
      }
      rows.add(map);
    }
    return rows;
  }

  private static String text(Map<?, ?> row, String where, String key) {
    if (!(row.get(key) instanceof String s) || s.isBlank()) {
      throw new IllegalStateException(
          "costConfig/prices: " + where + " entry needs a string '" + key + "'");
    }
    return s;
  }

  private static long price(Map<?, ?> row, String where, String key) {
    if (!(row.get(key) instanceof Long n) || n < 0) {
      throw new IllegalStateException(
          "costConfig/prices: " + where + " needs a non-negative integer '" + key + "'");
    }
    return n;
  }
}

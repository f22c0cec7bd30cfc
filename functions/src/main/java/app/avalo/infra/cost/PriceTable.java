package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prices, in micros (millionths of a grosz) so sub-grosz unit prices are exact:
 *
 * <ul>
 *   <li>AI: per model, per 1 000 input and per 1 000 output tokens;
 *   <li>bandwidth: per service and region, per GiB (2^30 bytes, the unit cloud egress is billed
 *       in); region {@code *} is the service's price for regions not listed.
 * </ul>
 *
 * <p>Stored in {@code costConfig/prices} as two arrays of plain objects (model names contain dots,
 * which must not become map keys); seeded from {@link #defaults()} when missing.
 */
public record PriceTable(
    Map<String, ModelPrice> models, Map<CostService, Map<String, Long>> bandwidth) {
  public static final String ANY_REGION = "*";
  private static final BigInteger THOUSAND = BigInteger.valueOf(1000);
  private static final BigInteger GIB = BigInteger.ONE.shiftLeft(30);

  public record ModelPrice(long inputMicrosPer1k, long outputMicrosPer1k) {}

  public PriceTable {
    models = Map.copyOf(models);
    Map<CostService, Map<String, Long>> copy = new HashMap<>();
    bandwidth.forEach((service, regions) -> copy.put(service, Map.copyOf(regions)));
    bandwidth = Map.copyOf(copy);
  }

  /**
   * The exact cost of one AI call in micros, half up to the micro. Unknown model → INVALID_ARGUMENT
   * on {@code model} (the caller may send an explicit {@code costMinor} instead).
   */
  public long aiCostMicros(String model, long inputTokens, long outputTokens) {
    ModelPrice price = models.get(model);
    if (price == null) {
      throw ApiException.invalidArgument(
          "model",
          "no price for model '" + model + "'; add it to costConfig/prices or send costMinor");
    }
    BigInteger thousandths =
        BigInteger.valueOf(inputTokens)
            .multiply(BigInteger.valueOf(price.inputMicrosPer1k()))
            .add(
                BigInteger.valueOf(outputTokens)
                    .multiply(BigInteger.valueOf(price.outputMicrosPer1k())));
    return checked("inputTokens", Money.divideHalfUp(thousandths, THOUSAND));
  }

  /** The exact cost of {@code bytes} of egress in micros, half up to the micro. */
  public long bandwidthCostMicros(CostService service, String region, long bytes) {
    Map<String, Long> regions = bandwidth.getOrDefault(service, Map.of());
    Long perGiB = regions.containsKey(region) ? regions.get(region) : regions.get(ANY_REGION);
    if (perGiB == null) {
      throw ApiException.invalidArgument(
          "region",
          "no "
              + service.wire()
              + " bandwidth price for region '"
              + region
              + "' and no default ('*') in costConfig/prices");
    }
    return checked(
        "bytes",
        Money.divideHalfUp(BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(perGiB)), GIB));
  }

  private static long checked(String field, BigInteger micros) {
    if (micros.compareTo(BigInteger.valueOf(Money.MAX_EVENT_MICROS)) > 0) {
      throw ApiException.invalidArgument(
          field,
          "prices to more than "
              + Money.pln(Money.toMinor(Money.MAX_EVENT_MICROS))
              + " PLN for one event; split it or check the value");
    }
    return micros.longValueExact();
  }

  /**
   * List prices converted at about 4 PLN/USD: OpenAI/Anthropic/Google per-token prices, Google
   * Cloud egress (Cloud CDN for video and CDN, internet egress for the WebRTC TURN relays).
   */
  public static PriceTable defaults() {
    Map<String, ModelPrice> models = new LinkedHashMap<>();
    models.put("gpt-4o", new ModelPrice(1_000_000, 4_000_000)); // $2.50 / $10 per 1M
    models.put("gpt-4o-mini", new ModelPrice(60_000, 240_000)); // $0.15 / $0.60 per 1M
    models.put("gpt-4.1", new ModelPrice(800_000, 3_200_000)); // $2 / $8 per 1M
    models.put("gpt-4.1-mini", new ModelPrice(160_000, 640_000)); // $0.40 / $1.60 per 1M
    models.put("claude-3.5-sonnet", new ModelPrice(1_200_000, 6_000_000)); // $3 / $15 per 1M
    models.put("claude-3.5-haiku", new ModelPrice(320_000, 1_600_000)); // $0.80 / $4 per 1M
    models.put("gemini-2.0-flash", new ModelPrice(40_000, 160_000)); // $0.10 / $0.40 per 1M
    models.put("text-embedding-3-small", new ModelPrice(8_000, 0)); // $0.02 per 1M
    Map<CostService, Map<String, Long>> bandwidth = new LinkedHashMap<>();
    bandwidth.put(
        CostService.VIDEO,
        Map.of(
            ANY_REGION,
            32_000_000L,
            "europe-west10",
            32_000_000L,
            "europe-central2",
            32_000_000L,
            "us-central1",
            32_000_000L,
            "asia-southeast1",
            36_000_000L));
    bandwidth.put(
        CostService.WEBRTC,
        Map.of(
            ANY_REGION,
            48_000_000L,
            "europe-west10",
            48_000_000L,
            "europe-central2",
            48_000_000L,
            "us-central1",
            48_000_000L,
            "asia-southeast1",
            56_000_000L));
    bandwidth.put(
        CostService.CDN,
        Map.of(
            ANY_REGION,
            32_000_000L,
            "europe-west10",
            32_000_000L,
            "europe-central2",
            32_000_000L,
            "us-central1",
            32_000_000L,
            "asia-southeast1",
            36_000_000L));
    return new PriceTable(models, bandwidth);
  }

  Map<String, Object> toDocument() {
    List<Map<String, Object>> ai = new ArrayList<>();
    models.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                ai.add(
                    Map.of(
                        "model", e.getKey(),
                        "inputMicrosPer1k", e.getValue().inputMicrosPer1k(),
                        "outputMicrosPer1k", e.getValue().outputMicrosPer1k())));
    List<Map<String, Object>> bw = new ArrayList<>();
    for (CostService service : CostService.BANDWIDTH) {
      bandwidth.getOrDefault(service, Map.of()).entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  bw.add(
                      Map.of(
                          "service",
                          service.wire(),
                          "region",
                          e.getKey(),
                          "microsPerGiB",
                          e.getValue())));
    }
    return Map.of(
        "ai",
        ai,
        "bandwidth",
        bw,
        "unit",
        "micros = millionths of a grosz; AI per 1000 tokens, bandwidth per GiB (2^30 bytes)");
  }

  /** Reads the stored table; a malformed entry is a configuration error that names the entry. */
  static PriceTable fromDocument(Map<String, Object> doc) {
    Map<String, ModelPrice> models = new HashMap<>();
    for (Map<?, ?> row : rows(doc, "ai")) {
      String model = text(row, "ai", "model");
      models.put(
          model,
          new ModelPrice(
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

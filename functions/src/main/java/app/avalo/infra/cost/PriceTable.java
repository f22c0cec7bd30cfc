package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prices, in micros (millionths of a grosz) so sub-grosz unit prices are exact:
 *
 * <ul>
 *   <li>AI: per model, per 1 000 input and per 1 000 output tokens;
 *   <li>bandwidth: per service and region, per GiB (2^30 bytes, the unit cloud egress is billed
 *       in), keyed by Avalo's cache regions ({@link PriceRegion}: EU, US, ASIA, SA, AU); a Cloud
 *       region is priced as listed, else as its Avalo region; region {@code *} is the service's
 *       price for regions not covered.
 * </ul>
 *
 * <p>Stored in {@code costConfig/prices} ({@link PricingCodec}); seeded from {@link #defaults()}
 * when missing.
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
    Long perGiB = regions.get(region);
    if (perGiB == null) {
      perGiB = PriceRegion.avalo(region).map(regions::get).orElse(regions.get(ANY_REGION));
    }
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
    Map<String, ModelPrice> models =
        Map.ofEntries(
            Map.entry("gpt-4o", new ModelPrice(1_000_000, 4_000_000)), // $2.50 / $10 per 1M
            Map.entry("gpt-4o-mini", new ModelPrice(60_000, 240_000)), // $0.15 / $0.60 per 1M
            Map.entry("gpt-4.1", new ModelPrice(800_000, 3_200_000)), // $2 / $8 per 1M
            Map.entry("gpt-4.1-mini", new ModelPrice(160_000, 640_000)), // $0.40 / $1.60 per 1M
            Map.entry("claude-3.5-sonnet", new ModelPrice(1_200_000, 6_000_000)), // $3 / $15 per 1M
            Map.entry("claude-3.5-haiku", new ModelPrice(320_000, 1_600_000)), // $0.80 / $4 per 1M
            Map.entry("gemini-2.0-flash", new ModelPrice(40_000, 160_000)), // $0.10 / $0.40 per 1M
            Map.entry("text-embedding-3-small", new ModelPrice(8_000, 0))); // $0.02 per 1M
    // Cloud CDN cache egress (video, CDN) and premium-tier internet egress (WebRTC relays), first
    // tier, per destination continent: about $0.08 EU/US, $0.09 Asia, $0.11 South America and
    // Oceania for CDN; $0.12, $0.14, $0.16, $0.19 for internet egress.
    Map<CostService, Map<String, Long>> bandwidth = new LinkedHashMap<>();
    Map<String, Long> cdn =
        perRegion(32_000_000L, 32_000_000L, 36_000_000L, 44_000_000L, 44_000_000L);
    bandwidth.put(CostService.VIDEO, cdn);
    bandwidth.put(CostService.CDN, cdn);
    bandwidth.put(
        CostService.WEBRTC,
        perRegion(48_000_000L, 48_000_000L, 56_000_000L, 64_000_000L, 76_000_000L));
    return new PriceTable(models, bandwidth);
  }

  /** Prices for EU, US, ASIA, SA, AU; the default ({@code *}) is the EU price. */
  private static Map<String, Long> perRegion(long eu, long us, long asia, long sa, long au) {
    Map<String, Long> prices = new LinkedHashMap<>();
    prices.put(ANY_REGION, eu);
    prices.put("EU", eu);
    prices.put("US", us);
    prices.put("ASIA", asia);
    prices.put("SA", sa);
    prices.put("AU", au);
    return prices;
  }
}

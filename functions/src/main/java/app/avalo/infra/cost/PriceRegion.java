package app.avalo.infra.cost;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The regions egress is priced by: Avalo's five cache regions, {@code EU}, {@code US}, {@code ASIA}
 * (the three serving regions of routing: Berlin europe-west10, us-west1, Tokyo asia-northeast1),
 * {@code SA} and {@code AU}. Reporters send either an Avalo region or a Google Cloud region; a
 * Cloud region counts as the Avalo region of its continent ({@code asia-northeast1} → {@code
 * ASIA}), so a price table keyed by Avalo's regions prices every Cloud region it covers.
 */
final class PriceRegion {
  static final List<String> AVALO = List.of("EU", "US", "ASIA", "SA", "AU");

  private PriceRegion() {}

  /** The Avalo region a reported region belongs to, if any. */
  static Optional<String> avalo(String region) {
    String upper = region.toUpperCase(Locale.ROOT);
    if (AVALO.contains(upper)) {
      return Optional.of(upper);
    }
    String lower = region.toLowerCase(Locale.ROOT);
    if (lower.startsWith("europe-")) {
      return Optional.of("EU");
    }
    if (lower.startsWith("us-") || lower.startsWith("northamerica-")) {
      return Optional.of("US");
    }
    if (lower.startsWith("asia-")) {
      return Optional.of("ASIA");
    }
    if (lower.startsWith("southamerica-")) {
      return Optional.of("SA");
    }
    if (lower.startsWith("australia-")) {
      return Optional.of("AU");
    }
    return Optional.empty();
  }

  /** How a reported region is labelled in breakdowns: its Avalo region, else itself. */
  static String label(String region) {
    return avalo(region).orElse(region);
  }
}

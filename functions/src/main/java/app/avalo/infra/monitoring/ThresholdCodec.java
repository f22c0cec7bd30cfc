package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts.Severity;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.WireEnum;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code monitoringThresholds/{service~metric}}: {@code statistic}, {@code threshold}, {@code
 * severity} (info|warning|critical), {@code enabled}, optional {@code minSamples} / {@code
 * recoveryWindows} overriding the environment defaults, optional {@code forWindows} (pending
 * period, 1–1440, default 1) and {@code noDataWindows} (0–1440, default the rule's default: 3 for
 * chat and wallet latency, else 0 = off); {@code updatedAt}/{@code updatedBy} say who last edited
 * it. A document that does not parse throws {@link IllegalArgumentException} saying why.
 */
final class ThresholdCodec {
  private ThresholdCodec() {}

  /** A default rule as first written. */
  static Map<String, Object> seed(ThresholdRule.Default d, Instant now) {
    return DocWriter.create()
        .field("service", d.service().wire())
        .field("metric", d.metric().wire())
        .field("statistic", d.metric().defaultStatistic().wire())
        .field("threshold", d.threshold())
        .field("severity", d.severity().wire())
        .field("enabled", true)
        .field("minSamples", d.minSamples() > 0 ? (long) d.minSamples() : null)
        .field("forWindows", 1L)
        .field("noDataWindows", (long) d.noDataWindows())
        .field("updatedAt", now)
        .field("updatedBy", "default")
        .map();
  }

  static ThresholdRule parse(DocumentSnapshot doc, MonitoringConfig config) {
    String[] parts = doc.getId().split("~", 2);
    MonitoredService service =
        parts.length == 2 ? MonitoredService.byWire(parts[0]).orElse(null) : null;
    Metric metric = parts.length == 2 ? Metric.byWire(parts[1]).orElse(null) : null;
    if (service == null || metric == null || !service.metrics().contains(metric)) {
      throw new IllegalArgumentException(
          "document id must be <service>~<metric> of a known service and one of its "
              + "metrics (services: "
              + String.join(", ", WireEnum.wireNames(MonitoredService.class))
              + ")");
    }
    Metric m = metric;
    Statistic statistic =
        Optional.ofNullable(doc.getString("statistic"))
            .map(
                s ->
                    Statistic.byWire(s)
                        .filter(m.statistics()::contains)
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    "statistic must be one of "
                                        + m.statistics().stream().map(Statistic::wire).toList())))
            .orElse(metric.defaultStatistic());
    if (!(doc.get("threshold") instanceof Number n)
        || !Double.isFinite(n.doubleValue())
        || n.doubleValue() < 0) {
      throw new IllegalArgumentException("threshold must be a non-negative number");
    }
    double threshold = ((Number) doc.get("threshold")).doubleValue();
    Severity severity = severity(doc.getString("severity"));
    Object enabledField = doc.get("enabled");
    if (enabledField != null && !(enabledField instanceof Boolean)) {
      throw new IllegalArgumentException("enabled must be true or false");
    }
    boolean enabled = enabledField == null || (Boolean) enabledField;
    int minSamples = optionalInt(doc, "minSamples", 1, 1_000_000).orElse(config.minSamples());
    int recovery = optionalInt(doc, "recoveryWindows", 1, 1440).orElse(config.recoveryWindows());
    int forWindows = optionalInt(doc, "forWindows", 1, 1440).orElse(1);
    int noData =
        optionalInt(doc, "noDataWindows", 0, 1440).orElse(defaultNoDataWindows(service, metric));
    return new ThresholdRule(
        service,
        metric,
        statistic,
        threshold,
        severity,
        minSamples,
        recovery,
        forWindows,
        noData,
        enabled);
  }

  /** A document written before {@code noDataWindows} existed keeps its rule's default. */
  static int defaultNoDataWindows(MonitoredService service, Metric metric) {
    return ThresholdRule.DEFAULTS.stream()
        .filter(d -> d.service() == service && d.metric() == metric)
        .mapToInt(ThresholdRule.Default::noDataWindows)
        .findFirst()
        .orElse(0);
  }

  private static Severity severity(String wire) {
    for (Severity s : Severity.values()) {
      if (s.wire().equals(wire == null ? null : wire.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("severity must be info, warning or critical");
  }

  private static Optional<Integer> optionalInt(
      DocumentSnapshot doc, String field, int min, int max) {
    Object value = doc.get(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Long n) || n < min || n > max) {
      throw new IllegalArgumentException(
          field + " must be a whole number from " + min + " to " + max);
    }
    return Optional.of(n.intValue());
  }
}

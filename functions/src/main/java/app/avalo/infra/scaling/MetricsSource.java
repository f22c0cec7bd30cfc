package app.avalo.infra.scaling;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where a service's per-minute CPU, instance count and request rate come from, besides its own
 * {@code updateMetrics} reports (which win when present: see {@link ScalingEvaluator}).
 *
 * <p>{@code reported} ({@link #REPORTED_ONLY}, the default off Cloud Functions) adds nothing;
 * {@code cloud-monitoring} ({@link CloudMonitoringMetrics}, the default on Cloud Functions) reads
 * Cloud Run's built-in metrics per region.
 */
public interface MetricsSource {
  /** {@code reported} or {@code cloud-monitoring}, as recorded on events. */
  String mode();

  /**
   * The minute buckets of {@code from..to} per Cloud Run region of the service, oldest first; a
   * region without data is absent. Throws when the source cannot be read (the evaluation then holds
   * on missing metrics and says why).
   */
  Map<String, List<MinuteBucket>> minutes(LogicalService service, Instant from, Instant to);

  /** Only what the services report themselves. */
  MetricsSource REPORTED_ONLY =
      new MetricsSource() {
        @Override
        public String mode() {
          return "reported";
        }

        @Override
        public Map<String, List<MinuteBucket>> minutes(
            LogicalService service, Instant from, Instant to) {
          return Map.of();
        }
      };
}

package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code enableBurstProtection} (admin, audited): {@code {service | "all", reason: promotion |
 * event | celebrity | manual, durationMinutes?}} raises max instances to the burst maximum and
 * holds scale-downs until the expiry (none: until disabled). Replaces any burst in place. The
 * services are re-evaluated at once, so the new max reaches Cloud Run now.
 */
public final class EnableBurstProtection extends ApiFunction {
  static final List<String> REASONS = List.of("promotion", "event", "celebrity", "manual");
  static final long MAX_DURATION_MINUTES = 7 * 24 * 60;

  private final Supplier<ScalingModule> scaling;

  public EnableBurstProtection() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  EnableBurstProtection(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    List<LogicalService> services =
        LogicalService.select(data.oneOf("service", LogicalService.idsOrAll()));
    BurstProtection.Reason reason =
        BurstProtection.Reason.valueOf(data.oneOf("reason", REASONS).toUpperCase(Locale.ROOT));
    Long minutes =
        data.optionalLong("durationMinutes", 1, MAX_DURATION_MINUTES).stream()
            .boxed()
            .findFirst()
            .orElse(null);
    data.done();
    ScalingModule scaling = this.scaling.get();
    Instant now = platform().clock().instant();
    List<Map<String, Object>> results = new ArrayList<>();
    for (LogicalService service : services) {
      ScalingStore.Burst burst =
          scaling
              .bursts()
              .enable(
                  service,
                  reason,
                  minutes == null ? null : Duration.ofMinutes(minutes),
                  request.caller().label(),
                  now);
      ScalingEvaluator.Outcome decision =
          scaling
              .evaluator()
              .evaluate(
                  service,
                  now,
                  "enableBurstProtection",
                  ScalingEvaluator.adHocEventId(service, now, "burst"));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("service", service.id());
      r.put("burst", burst.view(now));
      r.put("decision", decision);
      results.add(r);
    }
    return Map.of("services", results);
  }
}

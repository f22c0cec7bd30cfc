package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code disableBurstProtection} (admin, audited): {@code {service | "all"}} ends live bursts
 * (manual or viral) and re-evaluates those services, so max instances falls back to the rule.
 * Idempotent: a service without a live burst is reported as {@code changed: false}.
 */
public final class DisableBurstProtection extends ApiFunction {
  private final Supplier<ScalingModule> scaling;

  public DisableBurstProtection() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  DisableBurstProtection(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    List<LogicalService> services =
        LogicalService.select(data.oneOf("service", LogicalService.idsOrAll()));
    data.done();
    ScalingModule scaling = this.scaling.get();
    Instant now = platform().clock().instant();
    List<Map<String, Object>> results = new ArrayList<>();
    for (LogicalService service : services) {
      ScalingStore.Burst ended =
          scaling.bursts().disable(service, request.caller().label(), "disabled by admin", now);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("service", service.id());
      r.put("changed", ended != null);
      if (ended != null) {
        r.put("burst", ended.view(now));
        r.put(
            "decision",
            scaling
                .evaluator()
                .evaluate(
                    service,
                    now,
                    "disableBurstProtection",
                    ScalingEvaluator.adHocEventId(service, now, "burst")));
      }
      results.add(r);
    }
    return Map.of("services", results);
  }
}

package app.avalo.infra.scaling;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Request;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * {@code manualScale} (admin, audited): {@code {service, instances}} pins a service to exactly that
 * many instances, {@code {service, minInstances?, maxInstances?}} replaces its bounds, for
 * {@code durationMinutes} (1 min to 7 days). The override wins over rules and burst protection until
 * it expires; a new call replaces it. The service is re-evaluated at once.
 */
public final class ManualScale extends ApiFunction {
  public ManualScale() {
    super();
  }

  ManualScale(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    ScalingModule scaling = ScalingModule.of(app());
    int ceiling = scaling.config().burstMaxInstances();
    LogicalService service = data.enumValue("service", LogicalService.class);
    OptionalLong min = data.optionalLong("minInstances", 0, ceiling);
    OptionalLong max = data.optionalLong("maxInstances", 1, ceiling);
    OptionalLong instances = data.optionalLong("instances", 0, ceiling);
    long minutes = data.longValue("durationMinutes", 1, EnableBurstProtection.MAX_DURATION_MINUTES);
    data.done();
    if (instances.isPresent() && (min.isPresent() || max.isPresent())) {
      throw ApiException.invalidArgument("instances", "cannot be combined with minInstances or maxInstances");
    }
    if (instances.isEmpty() && min.isEmpty() && max.isEmpty()) {
      throw ApiException.invalidArgument("instances", "give instances, or minInstances and/or maxInstances");
    }
    if (min.isPresent() && max.isPresent() && max.getAsLong() < min.getAsLong()) {
      throw ApiException.invalidArgument("maxInstances", "must not be below minInstances");
    }
    Instant now = app().clock().instant();
    ScalingStore.ManualOverride override = new ScalingStore.ManualOverride(boxed(min), boxed(max), boxed(instances), now,
        now.plusSeconds(minutes * 60), request.caller().label());
    scaling.store().saveOverride(service, override);
    ScalingEvaluator.Outcome decision = scaling.evaluator().evaluate(service, now, "manualScale",
        ScalingEvaluator.adHocEventId(service, now, "manual"));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("service", service.id());
    result.put("override", override.view(now));
    result.put("decision", decision);
    return result;
  }

  private static Integer boxed(OptionalLong v) {
    return v.isPresent() ? (int) v.getAsLong() : null;
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * {@code forceFailover} (admin, audited; the dashboard's failover control):
 * {@code {fromRegion, reason, durationMinutes?, toRegion?}} puts a region into manual
 * {@code draining} for {@code durationMinutes} (default 60): routing stops sending new traffic
 * there and pinned users fail over on their next request; the health checks do not clear it. With
 * {@code toRegion} it also starts moving every pinned user there ({@code initiateRegionFailover}).
 * {@code {fromRegion, clear: true, reason?}} ends the drain early. Repeating a call replaces the
 * drain with the new one.
 */
public final class ForceFailover extends ApiFunction {
  static final long MAX_DRAIN_MINUTES = 7 * 24 * 60;

  public ForceFailover() {
    super();
  }

  ForceFailover(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    String from = data.oneOf("fromRegion", RegionDefinition.ids());
    boolean clear = data.optionalBool("clear").orElse(false);
    Optional<String> to = data.optionalOneOf("toRegion", RegionDefinition.ids());
    Optional<String> reason = data.optionalString("reason", 500);
    OptionalLong minutes = data.optionalLong("durationMinutes", 1, MAX_DRAIN_MINUTES);
    data.done();
    RoutingModule routing = RoutingModule.of(app());
    Instant now = app().clock().instant();
    String by = request.caller().label();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("region", from);
    if (clear) {
      if (to.isPresent() || minutes.isPresent()) {
        throw ApiException.invalidArgument(to.isPresent() ? "toRegion" : "durationMinutes",
            "is not allowed with clear: true");
      }
      boolean cleared = routing.regions().clearDrain(from, by, reason.orElse("cleared by " + by), now);
      routing.view().refreshNow();
      result.put("cleared", cleared);
      result.put("status", routing.regions().require(from).status(now).wire());
      return result;
    }
    if (reason.isEmpty()) {
      throw ApiException.invalidArgument("reason", "is required (say why the region is drained)");
    }
    if (to.isPresent() && to.get().equals(from)) {
      throw ApiException.invalidArgument("toRegion", "must differ from fromRegion");
    }
    routing.regions().require(from);
    if (to.isPresent()) {
      RegionStatus target = routing.regions().require(to.get()).status(now);
      if (!target.usable()) {
        throw ApiException.failedPrecondition("target region " + to.get() + " is " + target.wire()
            + "; choose a healthy or degraded region");
      }
    }
    long duration = minutes.orElse(routing.config().defaultDrainMinutes());
    Drain drain = new Drain(now, now.plus(Duration.ofMinutes(duration)), reason.get(), by);
    routing.regions().drain(from, drain);
    routing.view().refreshNow();
    result.put("status", RegionStatus.DRAINING.wire());
    result.put("drainingUntil", drain.until());
    if (to.isPresent()) {
      FailoverMigrator failover = routing.failover();
      FailoverOperation op = failover.start(from, to.get(), by, reason.get());
      result.put("operation", failover.run(op.id(), InitiateRegionFailover.workUntil(request)));
    }
    return result;
  }
}

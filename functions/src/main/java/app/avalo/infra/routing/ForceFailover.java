package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code forceFailover} (admins, audited; the dashboard's failover control, rarely): {@code
 * {fromRegion, reason, durationMinutes?, toRegion?}} puts a region into manual {@code draining} for
 * {@code durationMinutes} (default 60): routing stops sending new traffic there and pinned users
 * fail over on their next request; the health checks do not clear it. With {@code toRegion} it also
 * starts moving every pinned user there ({@code initiateRegionFailover}). {@code {fromRegion,
 * clear: true, reason?}} ends the drain early. Repeating a call replaces the drain with the new
 * one.
 */
public final class ForceFailover extends ApiFunction {
  private final Supplier<RoutingModule> routing;

  public ForceFailover() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  ForceFailover(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected Object handle(Request request) {
    DrainRequest input = DrainRequest.read(request.data());
    return routing.get().drains().apply(input, request.caller().label());
  }
}

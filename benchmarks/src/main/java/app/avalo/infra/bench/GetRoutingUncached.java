package app.avalo.infra.bench;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Request;
import app.avalo.infra.routing.RegionDefinition;
import app.avalo.infra.routing.RoutingModule;
import app.avalo.infra.routing.RoutingQuery;

/**
 * The routing benchmark's baseline: {@code getRouting} exactly, except that region state is read
 * from Firestore on every call instead of from the in-process view. Hosted only by the benchmark.
 */
public final class GetRoutingUncached extends ApiFunction {
  public GetRoutingUncached() {
    super(() -> Root.get().platform());
  }

  @Override
  protected Object handle(Request request) {
    String uid = request.caller().requireUid();
    RoutingModule routing = Root.get().routing();
    RoutingQuery query =
        RoutingQuery.read(request.data(), routing.countries(), RegionDefinition.ids());
    request.data().done();
    return routing.router().route(uid, query, routing.loadRegions());
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getRouting} (signed-in users, on every app start and whenever a cached answer expires):
 * which region and endpoint to use for a service. Answers from the in-process region view (no
 * Firestore read of region state); pinned services use this instance's cached pin and read (and
 * when it changes write) the user's pin only when it must move or is unknown. Never fails: with no
 * healthy region the least bad one is answered, with Firestore unreachable the cached pin or the
 * best region, each with a reason.
 */
public final class GetRouting extends ApiFunction {
  private final Supplier<RoutingModule> routing;

  public GetRouting() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  GetRouting(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected Object handle(Request request) {
    String uid = request.caller().requireUid();
    RoutingModule routing = this.routing.get();
    RoutingQuery query =
        RoutingQuery.read(request.data(), routing.countries(), RegionDefinition.ids());
    request.data().done();
    return routing.router().route(uid, query, routing.view().current());
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getRegionStatuses} (public: status pages and apps before sign-in, polled often): every
 * region's status, latency (last and median), last check time and manual override. Served from the
 * in-process view, so it costs no Firestore read however often it is called; shows no internal URL.
 */
public final class GetRegionStatuses extends ApiFunction {
  private final Supplier<RoutingModule> routing;

  public GetRegionStatuses() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  GetRegionStatuses(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected Object handle(Request request) {
    request.data().done();
    return routing.get().reports().publicStatuses();
  }
}

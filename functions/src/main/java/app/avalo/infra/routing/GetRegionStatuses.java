package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code getRegionStatuses} (public: status pages, apps before sign-in): every region's status,
 * latency (last and median), last check time and manual override. Served from the in-process view,
 * so it costs no Firestore read however often it is called; shows no internal URL.
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
    Instant now = platform().clock().instant();
    var regions =
        routing.get().view().current().regions().stream()
            .map(r -> RegionReport.publicView(r, now))
            .toList();
    return Map.of("regions", regions, "at", now);
  }
}

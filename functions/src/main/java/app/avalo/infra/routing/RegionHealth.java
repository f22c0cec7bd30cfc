package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code regionHealth} (public, deployed in every region): the health endpoint the checkers of
 * every vantage probe, {@code GET https://{gcpRegion}-{project}.cloudfunctions.net/regionHealth}
 * every 10 s each. Answers 200 {@code {"status": "ok"}} when this region's dependencies answer (a
 * Firestore read within 1 s) and 503 {@code {"status": "failing"}} otherwise, in well under the
 * probes' 2 s timeout; the callable form ({@code POST {"data": {}}}) answers the same body as its
 * result. Reads one document, writes nothing.
 */
public final class RegionHealth extends ApiFunction {
  private final Supplier<RoutingModule> routing;

  public RegionHealth() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  RegionHealth(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected Object handle(Request request) {
    request.data().done();
    return routing.get().healthProbe().check();
  }
}

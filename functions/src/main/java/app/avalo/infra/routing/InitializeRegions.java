package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code initializeRegions} (admins, audited; once per environment from the deploy runbook or the
 * local seed, and whenever a region's URLs, priority or capacity change): creates the EU, US and
 * ASIA region documents, or brings their definitions up to date ({@link InitializeRequest}: {@code
 * {regions?: [{id, endpoint?, healthUrl?, priority?, capacityWeight?}]}}). Idempotent; never
 * touches live status, health history or a drain.
 */
public final class InitializeRegions extends ApiFunction {
  private final Supplier<RoutingModule> routing;

  public InitializeRegions() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  InitializeRegions(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected Object handle(Request request) {
    InitializeRequest input = InitializeRequest.read(request.data());
    return routing.get().setup().initialize(input);
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code initiateRegionFailover} (admins, audited; rarely: a region evacuation, or resuming one):
 * starts moving every user pinned to {@code fromRegion} to {@code toRegion} and answers with the
 * operation at once; parallel workers move the users in checkpointed batches ({@link
 * FailoverMigrator}). {@code {fromRegion, toRegion}} starts an operation (or returns the one
 * running for that pair); {@code {operationId}} reports its progress and re-queues partitions whose
 * worker was lost. Idempotent: nobody is moved twice, nobody is skipped.
 */
public final class InitiateRegionFailover extends ApiFunction {
  private final Supplier<RoutingModule> routing;

  public InitiateRegionFailover() {
    super(() -> Root.get().platform());
    this.routing = () -> Root.get().routing();
  }

  InitiateRegionFailover(Platform platform, RoutingModule routing) {
    super(platform);
    this.routing = () -> routing;
  }

  @Override
  protected Object handle(Request request) {
    FailoverRequest input = FailoverRequest.read(request.data());
    return routing.get().failover().initiate(input, request.caller().label());
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * {@code initiateRegionFailover} (admins, audited; rarely: a region evacuation, or resuming one):
 * moves every user pinned to {@code fromRegion} to {@code toRegion} in checkpointed batches of 500
 * ({@link FailoverMigrator}), as far as this call's time allows, and returns the operation's
 * progress. {@code {fromRegion, toRegion}} starts an operation (or continues the one running for
 * that pair); {@code {operationId}} continues an unfinished one (after a crash or a timeout) or
 * just reports a finished one. Idempotent: nobody is moved twice, nobody is skipped.
 */
public final class InitiateRegionFailover extends ApiFunction {
  /** Time kept back from the function's timeout for the answer and the audit record. */
  static final Duration ANSWER_MARGIN = Duration.ofSeconds(20);

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
    return routing.get().failover().initiate(input, request.caller().label(), workUntil(request));
  }

  /** When to stop starting batches so the answer still goes out within the function's timeout. */
  static Instant workUntil(Request request) {
    Duration timeout = Duration.ofSeconds(request.function().timeoutSeconds());
    Duration budget =
        timeout.compareTo(ANSWER_MARGIN.multipliedBy(2)) > 0
            ? timeout.minus(ANSWER_MARGIN)
            : timeout.dividedBy(2);
    return request.receivedAt().plus(budget);
  }
}

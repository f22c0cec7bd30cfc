package app.avalo.infra.routing;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code initiateRegionFailover} (admin, audited): moves every user pinned to {@code fromRegion} to
 * {@code toRegion} in checkpointed batches of 500 ({@link FailoverMigrator}), as far as this call's
 * time allows, and returns the operation's progress. {@code {fromRegion, toRegion}} starts an
 * operation (or continues the one running for that pair); {@code {operationId}} continues an
 * unfinished one (after a crash or a timeout) or just reports a finished one. Idempotent: nobody is
 * moved twice, nobody is skipped.
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
    Fields data = request.data();
    Optional<String> operationId = data.optionalId("operationId");
    Optional<String> from = data.optionalOneOf("fromRegion", RegionDefinition.ids());
    Optional<String> to = data.optionalOneOf("toRegion", RegionDefinition.ids());
    data.done();
    FailoverMigrator failover = routing.get().failover();
    if (operationId.isPresent()) {
      if (from.isPresent() || to.isPresent()) {
        throw ApiException.invalidArgument(
            "operationId", "give either operationId or fromRegion and toRegion");
      }
      return failover.run(failover.get(operationId.get()).id(), workUntil(request));
    }
    if (from.isEmpty()) {
      throw ApiException.invalidArgument("fromRegion", "is required (or give operationId)");
    }
    if (to.isEmpty()) {
      throw ApiException.invalidArgument("toRegion", "is required");
    }
    if (from.get().equals(to.get())) {
      throw ApiException.invalidArgument("toRegion", "must differ from fromRegion");
    }
    FailoverOperation op =
        failover.start(from.get(), to.get(), request.caller().label(), "initiateRegionFailover");
    return failover.run(op.id(), workUntil(request));
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

package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code trackAiCost} (the AI backend, after each model call): reports the call {@code {userId,
 * model, inputTokens, outputTokens, feature?, costMinor?, eventId?}}. Priced from {@code
 * costConfig/prices} (or at {@code costMinor}), added exactly to the month's sharded totals and the
 * user's usage, then the AI budget state machine runs. With {@code eventId} a retried report is
 * booked once. Answers the cost booked and the AI budget state.
 */
public final class TrackAiCost extends ApiFunction {
  private final Supplier<CostModule> cost;

  public TrackAiCost() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  TrackAiCost(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected Object handle(Request request) {
    AiCostRequest ai = AiCostRequest.read(request.data());
    request.data().done();
    return cost.get().ledger().recordAi(ai);
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.Fields;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * {@code trackAiCost}'s input: {@code {userId, model, inputTokens, outputTokens, feature?,
 * costMinor?, eventId?, at?}}; {@code at} is when the call was made (default: arrival).
 */
record AiCostRequest(
    String userId,
    String model,
    long inputTokens,
    long outputTokens,
    String feature,
    Long costMinor,
    String eventId,
    Instant at) {

  /** Reads and validates the request ({@code done()} is the caller's). */
  static AiCostRequest read(Fields data) {
    String userId = data.id("userId");
    String model = data.string("model", 100);
    long inputTokens = data.longValue("inputTokens", 0, CostLedger.MAX_TOKENS);
    long outputTokens = data.longValue("outputTokens", 0, CostLedger.MAX_TOKENS);
    String feature = data.optionalString("feature", 40).orElse(null);
    OptionalLong costMinor = data.optionalLong("costMinor", 0, CostLedger.MAX_COST_MINOR);
    String eventId = data.optionalId("eventId").orElse(null);
    Instant at = data.optionalInstant("at").orElse(null);
    return new AiCostRequest(
        userId,
        model,
        inputTokens,
        outputTokens,
        feature,
        costMinor.isPresent() ? costMinor.getAsLong() : null,
        eventId,
        at);
  }
}

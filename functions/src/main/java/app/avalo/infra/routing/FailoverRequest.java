package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.util.Optional;

/**
 * A validated {@code initiateRegionFailover} input: continue the operation {@code operationId}, or
 * start (or continue) moving the users pinned to {@code fromRegion} to {@code toRegion}. {@link
 * #read} checks every field, refuses unknown ones, then the combinations.
 *
 * @param operationId null when a pair of regions is given
 * @param fromRegion null when {@code operationId} is given
 * @param toRegion null when {@code operationId} is given
 */
record FailoverRequest(String operationId, String fromRegion, String toRegion) {
  static FailoverRequest read(Fields data) {
    Optional<String> operationId = data.optionalId("operationId");
    Optional<String> from = data.optionalOneOf("fromRegion", RegionDefinition.ids());
    Optional<String> to = data.optionalOneOf("toRegion", RegionDefinition.ids());
    data.done();
    if (operationId.isPresent()) {
      if (from.isPresent() || to.isPresent()) {
        throw ApiException.invalidArgument(
            "operationId", "give either operationId or fromRegion and toRegion");
      }
      return new FailoverRequest(operationId.get(), null, null);
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
    return new FailoverRequest(null, from.get(), to.get());
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A validated {@code forceFailover} input: drain {@code fromRegion} (optionally moving its pinned
 * users to {@code toRegion}), or end its drain with {@code clear}. {@link #read} checks every
 * field, refuses unknown ones, then the combinations.
 *
 * @param toRegion null unless pinned users are to be moved
 * @param reason null only with {@code clear}
 * @param minutes null for the configured default drain
 */
record DrainRequest(
    String fromRegion, boolean clear, String toRegion, String reason, Long minutes) {
  static final long MAX_DRAIN_MINUTES = 7 * 24 * 60;

  static DrainRequest read(Fields data) {
    String from = data.oneOf("fromRegion", RegionDefinition.ids());
    boolean clear = data.optionalBool("clear").orElse(false);
    Optional<String> to = data.optionalOneOf("toRegion", RegionDefinition.ids());
    Optional<String> reason = data.optionalString("reason", 500);
    OptionalLong minutes = data.optionalLong("durationMinutes", 1, MAX_DRAIN_MINUTES);
    data.done();
    if (clear) {
      if (to.isPresent() || minutes.isPresent()) {
        throw ApiException.invalidArgument(
            to.isPresent() ? "toRegion" : "durationMinutes", "is not allowed with clear: true");
      }
      return new DrainRequest(from, true, null, reason.orElse(null), null);
    }
    if (reason.isEmpty()) {
      throw ApiException.invalidArgument("reason", "is required (say why the region is drained)");
    }
    if (to.isPresent() && to.get().equals(from)) {
      throw ApiException.invalidArgument("toRegion", "must differ from fromRegion");
    }
    return new DrainRequest(
        from,
        false,
        to.orElse(null),
        reason.get(),
        minutes.isPresent() ? minutes.getAsLong() : null);
  }
}

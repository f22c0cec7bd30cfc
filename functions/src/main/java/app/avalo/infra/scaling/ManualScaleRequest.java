package app.avalo.infra.scaling;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.util.OptionalLong;

/**
 * A validated {@code manualScale} input: either {@code instances} (pin) or new bounds, for {@code
 * minutes}. {@link #read} checks every field, refuses unknown ones, then the combinations.
 *
 * @param instances null unless the service is pinned to exactly that many
 * @param minInstances null when the lower bound is left as it is
 * @param maxInstances null when the upper bound is left as it is
 */
record ManualScaleRequest(
    LogicalService service,
    Integer minInstances,
    Integer maxInstances,
    Integer instances,
    long minutes) {

  /** {@code ceiling}: the most instances any service may be given (the burst maximum). */
  static ManualScaleRequest read(Fields data, int ceiling) {
    LogicalService service = data.enumValue("service", LogicalService.class);
    OptionalLong min = data.optionalLong("minInstances", 0, ceiling);
    OptionalLong max = data.optionalLong("maxInstances", 1, ceiling);
    // At least 1: a pin sets max_instance_count = min_instance_count = N, and Cloud Run v2's
    // ServiceScaling.max_instance_count is a plain proto3 int32, so 0 reads as "unset" (no limit)
    // and a pin to 0 would lift the cap instead of stopping the service. The API's only real zero
    // is manual_instance_count in MANUAL scaling mode, a mode switch this controller does not make.
    OptionalLong instances = data.optionalLong("instances", 0, ceiling);
    long minutes = data.longValue("durationMinutes", 1, BurstRequest.MAX_DURATION_MINUTES);
    data.done();
    if (instances.isPresent() && instances.getAsLong() == 0) {
      throw ApiException.invalidArgument(
          "instances",
          "must be at least 1: pinning sets Cloud Run's max_instance_count, where 0 means unset"
              + " (no limit); for scale-to-zero give minInstances 0");
    }
    if (instances.isPresent() && (min.isPresent() || max.isPresent())) {
      throw ApiException.invalidArgument(
          "instances", "cannot be combined with minInstances or maxInstances");
    }
    if (instances.isEmpty() && min.isEmpty() && max.isEmpty()) {
      throw ApiException.invalidArgument(
          "instances", "give instances, or minInstances and/or maxInstances");
    }
    if (min.isPresent() && max.isPresent() && max.getAsLong() < min.getAsLong()) {
      throw ApiException.invalidArgument("maxInstances", "must not be below minInstances");
    }
    return new ManualScaleRequest(service, boxed(min), boxed(max), boxed(instances), minutes);
  }

  private static Integer boxed(OptionalLong v) {
    return v.isPresent() ? (int) v.getAsLong() : null;
  }
}

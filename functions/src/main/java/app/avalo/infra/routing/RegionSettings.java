package app.avalo.infra.routing;

/**
 * An admin's explicit settings for one region, given to {@code initializeRegions}; a null field is
 * not given (the stored value, or the configured one for a new region, stands).
 */
record RegionSettings(String endpoint, String healthUrl, Integer priority, Integer capacityWeight) {
  static final RegionSettings NONE = new RegionSettings(null, null, null, null);
}

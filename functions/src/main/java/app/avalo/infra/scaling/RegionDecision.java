package app.avalo.infra.scaling;

/** The controller's decision for one region of a service, with the share it was bounded by. */
record RegionDecision(RegionShare share, ScalingController.Decision decision) {
  /** What the region's Cloud Run services are given: the decided floor and the region's max. */
  int targetMin() {
    return decision.desiredInstances();
  }

  int targetMax() {
    return Math.max(decision.desiredInstances(), decision.bounds().max());
  }
}

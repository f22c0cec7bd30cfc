package app.avalo.infra.scaling;

/**
 * A rule as {@code getScalingStatus} shows it: the rule's fields as stored, then the target in
 * force and where it came from. A stored {@code targetCpu} keeps its place among the stored fields;
 * a midpoint target comes after them (two shapes, so the JSON keeps the order clients have seen).
 */
public sealed interface RuleView {

  static RuleView of(ScalingRule r) {
    return r.explicitTargetCpu() != null
        ? new Explicit(
            r.service(),
            r.minInstances(),
            r.maxInstances(),
            r.scaleUpCpu(),
            r.scaleDownCpu(),
            r.targetCpu(),
            r.cooldownSeconds(),
            r.stabilizationSeconds(),
            r.targetSource())
        : new Midpoint(
            r.service(),
            r.minInstances(),
            r.maxInstances(),
            r.scaleUpCpu(),
            r.scaleDownCpu(),
            r.cooldownSeconds(),
            r.stabilizationSeconds(),
            r.targetCpu(),
            r.targetSource());
  }

  /** The rule sets {@code targetCpu}. */
  record Explicit(
      String service,
      int minInstances,
      int maxInstances,
      double scaleUpCpu,
      double scaleDownCpu,
      double targetCpu,
      int cooldownSeconds,
      int stabilizationSeconds,
      String targetSource)
      implements RuleView {}

  /** The target is the midpoint of the thresholds. */
  record Midpoint(
      String service,
      int minInstances,
      int maxInstances,
      double scaleUpCpu,
      double scaleDownCpu,
      int cooldownSeconds,
      int stabilizationSeconds,
      double targetCpu,
      String targetSource)
      implements RuleView {}
}

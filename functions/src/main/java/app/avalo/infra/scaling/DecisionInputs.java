package app.avalo.infra.scaling;

import java.util.List;

/**
 * What a decision was made from, as its event records it ({@code inputs}): the rule and bounds in
 * force, then, as far as the controller got, the newest metrics and the figures it computed.
 */
public sealed interface DecisionInputs {

  /**
   * A decision of the controller. The metric fields are null when there were no metrics; {@code
   * ratio} onwards are null when the controller stopped before computing them.
   */
  record Evaluated(
      double targetCpu,
      double scaleUpCpu,
      double scaleDownCpu,
      double tolerance,
      int cooldownSeconds,
      int stabilizationSeconds,
      int boundsMin,
      int boundsMax,
      String boundsSource,
      Integer previousDesired,
      long cooldownRemainingSeconds,
      boolean burst,
      boolean override,
      Double cpu,
      Double memory,
      Double rps,
      Long instances,
      Long samples,
      String metricsAt,
      Long metricsAgeSeconds,
      Double ratio,
      Integer computedInstances,
      Integer windowMinutes,
      Integer windowBuckets,
      Integer lowMinutes,
      Double windowMaxCpu,
      Integer rateLimit,
      String region,
      double regionShare,
      int prewarm)
      implements DecisionInputs {}

  /** The stored rule is unusable: the service is held and these are why. */
  record RuleInvalid(List<String> problems) implements DecisionInputs {}
}

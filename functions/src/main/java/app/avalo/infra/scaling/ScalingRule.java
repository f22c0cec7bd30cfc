package app.avalo.infra.scaling;

import java.util.ArrayList;
import java.util.List;

/**
 * One service's scaling policy ({@code scalingRules/{service}}), editable in the console.
 *
 * <p>{@code targetCpu} is the utilisation the formula {@code desired = ceil(current × cpu /
 * target)} aims for. When the document does not set it, it is the midpoint of the hysteresis band
 * ({@code (scaleUpCpu + scaleDownCpu) / 2}, 45 % for the defaults): a scale-up from above the upper
 * threshold and a scale-down from below the lower one both land in the middle of the dead zone, so
 * the next evaluation does not immediately want to move back.
 */
public record ScalingRule(
    String service,
    int minInstances,
    int maxInstances,
    double scaleUpCpu,
    double scaleDownCpu,
    Double explicitTargetCpu,
    int cooldownSeconds,
    int stabilizationSeconds) {

  /**
   * Cloud Run's own ceiling on max instances per service is far below this; it only catches typos.
   */
  public static final int INSTANCE_LIMIT = 10_000;

  public double targetCpu() {
    return explicitTargetCpu != null ? explicitTargetCpu : (scaleUpCpu + scaleDownCpu) / 2;
  }

  public String targetSource() {
    return explicitTargetCpu != null ? "rule" : "midpoint";
  }

  /** Everything wrong with an edited rule; empty when it is usable. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (minInstances < 0 || minInstances > INSTANCE_LIMIT) {
      problems.add("minInstances must be 0-" + INSTANCE_LIMIT);
    }
    if (maxInstances < 1 || maxInstances > INSTANCE_LIMIT) {
      problems.add("maxInstances must be 1-" + INSTANCE_LIMIT);
    }
    if (maxInstances < minInstances) {
      problems.add("maxInstances must not be below minInstances");
    }
    if (!(scaleDownCpu > 0 && scaleDownCpu < scaleUpCpu && scaleUpCpu < 1)) {
      problems.add("need 0 < scaleDownCpu < scaleUpCpu < 1");
    }
    double target = targetCpu();
    if (!(target > scaleDownCpu && target < scaleUpCpu)) {
      problems.add("targetCpu must lie strictly between scaleDownCpu and scaleUpCpu");
    }
    if (cooldownSeconds < 0 || cooldownSeconds > 86_400) {
      problems.add("cooldownSeconds must be 0-86400");
    }
    if (stabilizationSeconds < 60 || stabilizationSeconds > 3_600) {
      problems.add("stabilizationSeconds must be 60-3600");
    }
    return problems;
  }

  /** Minute buckets the scale-down stabilisation window spans. */
  public int stabilizationMinutes() {
    return (int) Math.ceil(stabilizationSeconds / 60.0);
  }

  /** The rule as the status view shows it. */
  RuleView view() {
    return RuleView.of(this);
  }
}

package app.avalo.infra.scaling;

import java.time.Duration;
import java.util.List;

/** Applies a decision's instance bounds to the Cloud Run services of one logical service. */
public interface Actuator {
  /** {@code dry-run} or {@code cloud-run}, as recorded on events. */
  String mode();

  /**
   * Sets each target's min/max within {@code budget} (a target not reached in time is reported
   * failed); never throws for a target's failure, reports it instead.
   */
  Result apply(LogicalService service, List<ServiceMap.Target> targets, Duration budget);

  /** What happened to one Cloud Run service. */
  record TargetResult(
      String cloudRunService, int minInstances, int maxInstances, String status, String error) {
    /**
     * {@code applied}: changed; {@code unchanged}: already so; {@code recorded}: dry-run; {@code
     * failed}.
     */
    public boolean ok() {
      return !status.equals("failed");
    }
  }

  /** The outcome over all targets. */
  record Result(String actuator, List<TargetResult> targets) {
    public boolean ok() {
      return targets.stream().allMatch(TargetResult::ok);
    }

    public String status() {
      if (ok()) {
        return actuator.equals("dry-run") ? "dry-run" : "applied";
      }
      return targets.stream().anyMatch(TargetResult::ok) ? "partial" : "failed";
    }

    public String errors() {
      return String.join(
          "; ",
          targets.stream()
              .filter(t -> !t.ok())
              .map(t -> t.cloudRunService() + ": " + t.error())
              .toList());
    }
  }
}

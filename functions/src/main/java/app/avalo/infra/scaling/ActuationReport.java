package app.avalo.infra.scaling;

import java.util.List;

/**
 * What an evaluation did about actuation, as its outcome and event show it: the actuator's result
 * per Cloud Run service, {@link #NOT_NEEDED} when the bounds were already applied, {@link #NONE}
 * ({@code {}}) when the decision was not committed.
 */
public record ActuationReport(String actuator, String status, List<Actuator.TargetResult> targets) {
  static final ActuationReport NOT_NEEDED = new ActuationReport(null, "not_needed", null);
  static final ActuationReport NONE = new ActuationReport(null, null, null);

  static ActuationReport of(Actuator.Result result) {
    return new ActuationReport(result.actuator(), result.status(), result.targets());
  }
}

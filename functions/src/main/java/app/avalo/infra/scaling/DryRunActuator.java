package app.avalo.infra.scaling;

import app.avalo.infra.platform.Log;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Records what would be set and changes nothing: the default off Cloud Functions. */
public final class DryRunActuator implements Actuator {
  @Override
  public String mode() {
    return "dry-run";
  }

  @Override
  public Result apply(LogicalService service, List<ServiceMap.Target> targets, Duration budget) {
    List<TargetResult> results =
        targets.stream()
            .map(
                t ->
                    new TargetResult(
                        t.cloudRun().toString(),
                        t.minInstances(),
                        t.maxInstances(),
                        "recorded",
                        null))
            .toList();
    Log.info(
        "scaling dry-run: would set instance bounds",
        Map.of("service", service.id(), "targets", results));
    return new Result(mode(), results);
  }
}

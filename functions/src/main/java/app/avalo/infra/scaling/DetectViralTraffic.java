package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code detectViralTraffic} (job, every 5 minutes): compares each service's sustained request rate
 * with its baseline ({@link ViralTrafficDetector}); turns viral burst protection on, extends it, or
 * turns it off after traffic has been normal long enough. A service whose burst changed is
 * re-evaluated at once, so the raised (or restored) max reaches Cloud Run without waiting for the
 * next minute.
 */
public final class DetectViralTraffic extends ScheduledJob {
  private final Supplier<ScalingModule> scaling;

  public DetectViralTraffic() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  DetectViralTraffic(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    ScalingModule scaling = this.scaling.get();
    Instant now = platform().clock().instant();
    List<Map<String, Object>> checks = new ArrayList<>();
    for (LogicalService service : LogicalService.values()) {
      ViralTrafficDetector.Check check = scaling.viral().check(service, now);
      Map<String, Object> view = ViralTrafficDetector.view(check);
      if (check.burstChanged()) {
        ScalingEvaluator.Outcome o =
            scaling
                .evaluator()
                .evaluate(
                    service, now, "viral", ScalingEvaluator.adHocEventId(service, now, "viral"));
        view.put(
            "decision",
            Map.of("action", o.action(), "reason", o.reason(), "desired", o.desiredInstances()));
      }
      checks.add(view);
      context.progress("checked", checks.size());
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put(
        "burstsOn", checks.stream().filter(c -> c.get("action").equals("burst_on")).count());
    summary.put(
        "burstsOff", checks.stream().filter(c -> c.get("action").equals("burst_off")).count());
    summary.put("services", checks);
    return JobRunner.Result.of(summary);
  }
}

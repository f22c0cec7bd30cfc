package app.avalo.infra.scaling;

import app.avalo.infra.platform.Log;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.ServiceScaling;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.protobuf.FieldMask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sets min/max instance counts of Cloud Run services through the Cloud Run Admin API v2.
 *
 * <p>It writes the <b>service-level</b> {@link ServiceScaling} ({@code Service.scaling}), not the
 * revision template's {@code RevisionScaling} ({@code Service.template.scaling}): any change to the
 * template creates and rolls out a new revision (a redeploy, with cold starts, for what should be a
 * capacity knob turned every minute), and for functions 2nd gen the template is owned by the
 * function's deployment. Service-level min/max apply to the running revisions without a new one and
 * are divided among revisions by their traffic share. Each update is read-modify-write: the service
 * is read, left alone when it already has the bounds, otherwise sent back with only {@code
 * scaling.min_instance_count} and {@code scaling.max_instance_count} changed, under an update mask
 * naming exactly those two fields and the read etag (a concurrent change makes it fail and it is
 * retried once from a fresh read). A service in MANUAL scaling mode is refused: min/max do not
 * apply there and switching modes is a human decision.
 */
public final class CloudRunActuator implements Actuator {
  static final List<String> UPDATE_MASK =
      List.of("scaling.min_instance_count", "scaling.max_instance_count");

  /** The two Admin API calls the actuator makes: the seam tests inspect without a network. */
  public interface CloudRunServices {
    Service get(GetServiceRequest request) throws Exception;

    /** Sends the update and waits (at most {@code timeout}) for the operation to finish. */
    Service update(UpdateServiceRequest request, Duration timeout) throws Exception;
  }

  /** Less time than this left: a call is not started (it could not finish). */
  static final Duration MIN_CALL = Duration.ofMillis(500);

  private final CloudRunServices services;
  private final String project;
  private final Duration timeout;

  public CloudRunActuator(CloudRunServices services, String project, Duration timeout) {
    this.services = services;
    this.project = project;
    this.timeout = timeout;
  }

  @Override
  public String mode() {
    return "cloud-run";
  }

  @Override
  public Result apply(LogicalService service, List<ServiceMap.Target> targets, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    List<TargetResult> results = new ArrayList<>();
    for (ServiceMap.Target target : targets) {
      String name = serviceName(target.cloudRun());
      TargetResult result;
      try {
        result = applyOne(name, target, true, deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = failed(name, target, "interrupted");
      } catch (Exception e) {
        Log.error(
            "Cloud Run scaling update failed",
            Map.of("service", service.id(), "cloudRunService", name),
            e);
        result = failed(name, target, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      results.add(result);
    }
    return new Result(mode(), results);
  }

  private TargetResult applyOne(
      String name, ServiceMap.Target target, boolean retryOnConflict, long deadline)
      throws Exception {
    Duration left = Duration.ofNanos(deadline - System.nanoTime());
    if (left.compareTo(MIN_CALL) < 0) {
      return failed(name, target, "not updated: the run's time budget was used up");
    }
    Service current = services.get(getRequest(name));
    if (current.getScaling().getScalingMode() == ServiceScaling.ScalingMode.MANUAL) {
      return failed(
          name, target, "service uses MANUAL scaling mode; min/max instances do not apply");
    }
    Optional<UpdateServiceRequest> update =
        updateRequest(current, target.minInstances(), target.maxInstances());
    if (update.isEmpty()) {
      return new TargetResult(
          name, target.minInstances(), target.maxInstances(), "unchanged", null);
    }
    try {
      // the wait for the operation ends with the run's budget, whichever is first
      Duration wait = Duration.ofNanos(deadline - System.nanoTime());
      services.update(update.get(), wait.compareTo(timeout) < 0 ? wait : timeout);
    } catch (ApiException e) {
      StatusCode.Code code = e.getStatusCode().getCode();
      if (retryOnConflict
          && (code == StatusCode.Code.ABORTED || code == StatusCode.Code.FAILED_PRECONDITION)) {
        return applyOne(name, target, false, deadline); // the etag moved: read again
      }
      throw e;
    }
    Log.info(
        "Cloud Run scaling updated",
        Map.of(
            "cloudRunService",
            name,
            "minInstances",
            target.minInstances(),
            "maxInstances",
            target.maxInstances()));
    return new TargetResult(name, target.minInstances(), target.maxInstances(), "applied", null);
  }

  String serviceName(ServiceMap.CloudRunService cloudRun) {
    return ServiceName.of(project, cloudRun.region(), cloudRun.service()).toString();
  }

  static GetServiceRequest getRequest(String name) {
    return GetServiceRequest.newBuilder().setName(name).build();
  }

  /** The update that gives {@code current} these bounds, or empty when it already has them. */
  static Optional<UpdateServiceRequest> updateRequest(
      Service current, int minInstances, int maxInstances) {
    ServiceScaling scaling = current.getScaling();
    if (scaling.getMinInstanceCount() == minInstances
        && scaling.getMaxInstanceCount() == maxInstances) {
      return Optional.empty();
    }
    Service updated =
        current.toBuilder()
            .setScaling(
                scaling.toBuilder()
                    .setMinInstanceCount(minInstances)
                    .setMaxInstanceCount(maxInstances))
            .build();
    return Optional.of(
        UpdateServiceRequest.newBuilder()
            .setService(updated)
            .setUpdateMask(FieldMask.newBuilder().addAllPaths(UPDATE_MASK))
            .build());
  }

  private static TargetResult failed(String name, ServiceMap.Target target, String error) {
    return new TargetResult(name, target.minInstances(), target.maxInstances(), "failed", error);
  }
}

package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceScaling;
import com.google.cloud.run.v2.UpdateServiceRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the production actuator sends to the Cloud Run Admin API, inspected without a network. */
class CloudRunActuatorTest {
  static final Duration BUDGET = Duration.ofSeconds(30);

  static final String A = "projects/demo-avalo/locations/europe-west10/services/svc-a";
  static final String B = "projects/demo-avalo/locations/us-west1/services/svc-b";

  final RecordingCloudRun cloudRun = new RecordingCloudRun();
  final CloudRunActuator actuator =
      new CloudRunActuator(cloudRun, "demo-avalo", Duration.ofSeconds(5));

  static List<ServiceMap.Target> targets(int min, int max) {
    return List.of(
        new ServiceMap.Target(new ServiceMap.CloudRunService("europe-west10", "svc-a"), min, max),
        new ServiceMap.Target(new ServiceMap.CloudRunService("us-west1", "svc-b"), min, max));
  }

  @Test
  void updatesServiceLevelScalingWithAMaskOfExactlyMinAndMax() {
    Service before = cloudRun.deploy(A, 2, 100);
    cloudRun.deploy(B, 2, 100);

    Actuator.Result result = actuator.apply(LogicalService.FUNCTIONS, targets(4, 100), BUDGET);

    assertTrue(result.ok(), result.toString());
    assertEquals("applied", result.status());
    assertEquals(List.of(A, B), cloudRun.gets.stream().map(g -> g.getName()).toList());
    assertEquals(2, cloudRun.updates.size());
    UpdateServiceRequest request = cloudRun.updates.get(0);
    assertEquals(A, request.getService().getName());
    assertEquals(
        List.of("scaling.min_instance_count", "scaling.max_instance_count"),
        request.getUpdateMask().getPathsList());
    assertEquals(4, request.getService().getScaling().getMinInstanceCount());
    assertEquals(100, request.getService().getScaling().getMaxInstanceCount());
    assertEquals(
        ServiceScaling.ScalingMode.AUTOMATIC, request.getService().getScaling().getScalingMode());
    // read-modify-write under the read etag; the revision template (a new revision if changed) is
    // untouched
    assertEquals(before.getEtag(), request.getService().getEtag());
    assertEquals(before.getTemplate(), request.getService().getTemplate());
    assertFalse(request.getValidateOnly());
    assertFalse(request.getAllowMissing());
    assertEquals(4, cloudRun.services.get(B).getScaling().getMinInstanceCount());
  }

  @Test
  void leavesAServiceAloneWhenItAlreadyHasTheBounds() {
    cloudRun.deploy(A, 4, 100);
    cloudRun.deploy(B, 4, 100);

    Actuator.Result result = actuator.apply(LogicalService.FUNCTIONS, targets(4, 100), BUDGET);

    assertTrue(result.ok());
    assertEquals(
        List.of("unchanged", "unchanged"),
        result.targets().stream().map(Actuator.TargetResult::status).toList());
    assertEquals(0, cloudRun.updates.size());
    assertTrue(CloudRunActuator.updateRequest(cloudRun.services.get(A), 4, 100).isEmpty());
  }

  @Test
  void burstMaxIsWrittenToServiceScaling() {
    cloudRun.deploy(A, 2, 100);
    UpdateServiceRequest request =
        CloudRunActuator.updateRequest(cloudRun.services.get(A), 10, 1000).orElseThrow();
    assertEquals(1000, request.getService().getScaling().getMaxInstanceCount());
    assertEquals(10, request.getService().getScaling().getMinInstanceCount());
  }

  @Test
  void retriesOnceFromAFreshReadWhenTheEtagMoved() {
    cloudRun.deploy(A, 2, 100);
    cloudRun.deploy(B, 2, 100);
    cloudRun.failNextUpdates.add("ABORTED");

    Actuator.Result result = actuator.apply(LogicalService.FUNCTIONS, targets(6, 100), BUDGET);

    assertTrue(result.ok(), result.errors());
    assertEquals(3, cloudRun.updates.size()); // A failed once, A retried, B
    assertEquals(6, cloudRun.services.get(A).getScaling().getMinInstanceCount());
  }

  @Test
  void reportsFailuresPerServiceWithoutThrowing() {
    cloudRun.deploy(A, 2, 100);
    // svc-b does not exist; svc-a is refused
    cloudRun.failNextUpdates.add("PERMISSION_DENIED");

    Actuator.Result result = actuator.apply(LogicalService.FUNCTIONS, targets(6, 100), BUDGET);

    assertFalse(result.ok());
    assertEquals("failed", result.status());
    assertTrue(result.errors().contains("svc-a"), result.errors());
    assertTrue(result.errors().contains("svc-b"), result.errors());
  }

  @Test
  void refusesServicesInManualScalingMode() {
    Service manual =
        cloudRun.deploy(A, 2, 100).toBuilder()
            .setScaling(
                ServiceScaling.newBuilder()
                    .setScalingMode(ServiceScaling.ScalingMode.MANUAL)
                    .setManualInstanceCount(5))
            .build();
    cloudRun.services.put(A, manual);

    Actuator.Result result =
        actuator.apply(LogicalService.FUNCTIONS, targets(4, 100).subList(0, 1), BUDGET);

    assertEquals("failed", result.status());
    assertTrue(result.errors().contains("MANUAL"), result.errors());
    assertEquals(0, cloudRun.updates.size());
  }

  @Test
  void anUpdateWaitsNoLongerThanTheBudgetLeftAndASpentBudgetStartsNoCall() {
    cloudRun.deploy(A, 2, 100);
    cloudRun.deploy(B, 2, 100);

    actuator.apply(LogicalService.FUNCTIONS, targets(4, 100), Duration.ofSeconds(2));
    assertEquals(2, cloudRun.waits.size());
    assertTrue(
        cloudRun.waits.stream().allMatch(w -> w.compareTo(Duration.ofSeconds(2)) <= 0),
        "the 5 s actuation timeout is cut to the budget: " + cloudRun.waits);

    Actuator.Result spent =
        actuator.apply(LogicalService.FUNCTIONS, targets(6, 100), Duration.ofMillis(100));
    assertEquals("failed", spent.status());
    assertTrue(spent.errors().contains("time budget"), spent.errors());
    assertEquals(2, cloudRun.updates.size(), "no update started without time to finish it");
  }
}

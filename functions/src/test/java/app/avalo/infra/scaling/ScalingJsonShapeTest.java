package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.Json;
import org.junit.jupiter.api.Test;

/**
 * The response records serialise exactly as the hand-built maps they replaced did (the expected
 * strings are what {@code getScalingStatus} answered before): key order, absent parts.
 */
class ScalingJsonShapeTest {
  /** A rule view reached through a field of the interface type, as {@link ServiceStatus} has. */
  record Holder(RuleView rule) {}

  @Test
  void aMidpointTargetFollowsTheStoredFields() {
    assertEquals(
        """
        {"rule":{"service":"functions","minInstances":2,"maxInstances":100,"scaleUpCpu":0.6,\
        "scaleDownCpu":0.3,"cooldownSeconds":60,"stabilizationSeconds":300,\
        "targetCpu":0.44999999999999996,"targetSource":"midpoint"}}\
        """,
        Json.write(new Holder(LogicalService.FUNCTIONS.defaultRule(300).view())));
  }

  @Test
  void aStoredTargetKeepsItsPlaceAmongTheStoredFields() {
    assertEquals(
        """
        {"rule":{"service":"ai","minInstances":2,"maxInstances":30,"scaleUpCpu":0.6,\
        "scaleDownCpu":0.3,"targetCpu":0.5,"cooldownSeconds":180,"stabilizationSeconds":300,\
        "targetSource":"rule"}}\
        """,
        Json.write(new Holder(new ScalingRule("ai", 2, 30, 0.6, 0.3, 0.5, 180, 300).view())));
  }

  @Test
  void absentPartsAreAsSmallAsTheyWere() {
    assertEquals("{\"active\":false}", Json.write(BurstView.NONE));
    assertEquals("{\"active\":false}", Json.write(OverrideView.NONE));
    assertEquals("{}", Json.write(ActuationReport.NONE));
    assertEquals("{\"status\":\"not_needed\"}", Json.write(ActuationReport.NOT_NEEDED));
  }
}

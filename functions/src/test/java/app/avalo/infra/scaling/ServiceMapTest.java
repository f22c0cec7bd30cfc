package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.Platform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceMapTest {
  @Test
  void defaultMapsEveryServiceToItsOwnCloudRunService() {
    List<String> problems = new ArrayList<>();
    ServiceMap map = ServiceMap.parse(ServiceMap.defaultSpec(), "europe-west10", problems::add);
    assertEquals(List.of(), problems);
    for (LogicalService s : LogicalService.values()) {
      assertEquals(
          List.of(new ServiceMap.CloudRunService("europe-west10", "avalo-" + s.id())),
          map.cloudRunServices(s));
    }
  }

  @Test
  void parsesSeveralServicesAndRegionsAndSpreadsCapacity() {
    List<String> problems = new ArrayList<>();
    ServiceMap map =
        ServiceMap.parse(
            "functions=svc-a|us-west1/svc-a|svc-b;ai=ai-eu;realtime=rt;media=media;"
                + "wallet=wallet;support=support",
            "europe-west10",
            problems::add);
    assertEquals(List.of(), problems);
    assertEquals(
        List.of(
            new ServiceMap.CloudRunService("europe-west10", "svc-a"),
            new ServiceMap.CloudRunService("us-west1", "svc-a"),
            new ServiceMap.CloudRunService("europe-west10", "svc-b")),
        map.cloudRunServices(LogicalService.FUNCTIONS));
    List<ServiceMap.Target> targets = map.targets(LogicalService.FUNCTIONS, 7, 100);
    assertEquals(3, targets.size());
    targets.forEach(
        t -> {
          assertEquals(
              3, t.minInstances()); // ceil(7 / 3): the total is never below what was decided
          assertEquals(34, t.maxInstances());
        });
  }

  @Test
  void reportsEveryProblemAtOnce() {
    List<String> problems = new ArrayList<>();
    ServiceMap.parse(
        "functions=Bad_Name|svc;chat=x;ai=;realtime=svc;media=moon/m",
        "europe-west10",
        problems::add);
    String all = String.join("\n", problems);
    assertTrue(all.contains("'Bad_Name' is not a Cloud Run service id"), all);
    assertTrue(all.contains("unknown service 'chat'"), all);
    assertTrue(all.contains("'ai' maps to no Cloud Run service"), all);
    assertTrue(all.contains("europe-west10/svc more than once"), all);
    assertTrue(all.contains("'moon/m' has an invalid region"), all);
    assertTrue(all.contains("does not map service 'wallet'"), all);
    assertTrue(all.contains("does not map service 'support'"), all);
  }

  @Test
  void invalidScalingConfigurationFailsColdStartWithEveryProblem() {
    Map<String, String> env = new HashMap<>();
    env.put("GOOGLE_CLOUD_PROJECT", "demo-x");
    env.put("SCALING_SERVICE_MAP", "functions=svc");
    env.put("SCALING_ACTUATOR", "kubernetes");
    env.put("SCALING_VIRAL_FACTOR", "3");
    env.put("SCALING_VIRAL_NORMAL_FACTOR", "4");
    Platform app = Platform.builder(env).build();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new ScalingModule(app, ScalingModule.Adapters.production()));
    assertTrue(
        e.getMessage().contains("SCALING_ACTUATOR must be one of [dry-run, cloud-run]"),
        e.getMessage());
    assertTrue(e.getMessage().contains("does not map service 'ai'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("SCALING_VIRAL_NORMAL_FACTOR (4) must be below"), e.getMessage());
  }

  @Test
  void actuatorDefaultsToDryRunLocallyAndCloudRunOnCloudFunctions() {
    Map<String, String> env = new HashMap<>(Map.of("GOOGLE_CLOUD_PROJECT", "demo-x"));
    ConfigReader local = new ConfigReader(env);
    assertEquals(
        ScalingConfig.ActuatorMode.DRY_RUN,
        ScalingConfig.read(local, app.avalo.infra.platform.AppConfig.read(local, env)).actuator());
    env.put("K_SERVICE", "evaluateallservices");
    ConfigReader cloud = new ConfigReader(env);
    assertEquals(
        ScalingConfig.ActuatorMode.CLOUD_RUN,
        ScalingConfig.read(cloud, app.avalo.infra.platform.AppConfig.read(cloud, env)).actuator());
  }
}

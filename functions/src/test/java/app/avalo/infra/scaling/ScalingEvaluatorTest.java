package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Evaluation end to end with the production Cloud Run actuator over a recording Admin API. */
class ScalingEvaluatorTest {
  static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
  static final String A = "projects/demo-avalo/locations/europe-west10/services/fn-a";
  static final String B = "projects/demo-avalo/locations/us-west1/services/fn-b";

  final RecordingCloudRun cloudRun = new RecordingCloudRun();
  final ScalingTestBed bed =
      new ScalingTestBed(
          START,
          Map.of(
              "SCALING_SERVICE_MAP",
                  "functions=fn-a|us-west1/fn-b;realtime=rt;ai=ai;media=media;wallet=wallet;support=support",
              "SCALING_CLOUD_RUN_PROJECT", "demo-avalo"),
          config ->
              new CloudRunActuator(cloudRun, config.cloudRunProject(), config.actuationTimeout()));

  ScalingEvaluator.Outcome evaluateFunctions(String id) {
    return bed.scaling()
        .evaluator()
        .evaluate(LogicalService.FUNCTIONS, bed.clock.instant(), "test", id);
  }

  void deploy() {
    cloudRun.deploy(A, 2, 100);
    cloudRun.deploy(B, 2, 100);
  }

  @Test
  void aScaleUpSetsMinInstancesOnEveryMappedServiceAndIsNotRepeatedUntilReconcile()
      throws Exception {
    deploy();
    bed.at(START.plusSeconds(30));
    bed.report("functions", 0.9, 6, 300);
    bed.at(START.plusSeconds(60));
    ScalingEvaluator.Outcome o = evaluateFunctions("e1");
    assertEquals("scale_up", o.action());
    assertEquals(12, o.desiredInstances());
    assertEquals("applied", o.actuation().get("status"), o.toString());
    assertEquals(2, cloudRun.updates.size());
    assertEquals(
        6, cloudRun.services.get(A).getScaling().getMinInstanceCount()); // 12 over two services
    assertEquals(50, cloudRun.services.get(B).getScaling().getMaxInstanceCount());
    DocumentSnapshot event =
        Firestores.await(bed.db.collection(ScalingStore.EVENTS).document("e1").get());
    @SuppressWarnings("unchecked")
    Map<String, Object> actuation = (Map<String, Object>) event.get("actuation");
    assertEquals("cloud-run", actuation.get("actuator"));
    assertEquals("applied", actuation.get("status"));

    // same bounds a minute later: nothing is sent
    bed.at(START.plusSeconds(90));
    bed.report("functions", 0.5, 12, 300);
    bed.at(START.plusSeconds(120));
    o = evaluateFunctions("e2");
    assertEquals("no_change", o.action());
    assertEquals("not_needed", o.actuation().get("status"));
    assertEquals(2, cloudRun.gets.size());

    // after the reconcile interval the services are read again; drift made by hand is corrected
    cloudRun.services.put(
        A,
        cloudRun.services.get(A).toBuilder()
            .setScaling(cloudRun.services.get(A).getScaling().toBuilder().setMinInstanceCount(1))
            .build());
    bed.at(START.plus(Duration.ofMinutes(11)));
    bed.report("functions", 0.5, 12, 300);
    o = evaluateFunctions("e3");
    assertEquals("applied", o.actuation().get("status"));
    assertEquals(4, cloudRun.gets.size());
    assertEquals(3, cloudRun.updates.size()); // only the drifted service
    assertEquals(6, cloudRun.services.get(A).getScaling().getMinInstanceCount());
  }

  @Test
  void aFailedActuationIsRecordedAlertedAndRetriedByTheNextEvaluation() throws Exception {
    cloudRun.deploy(A, 2, 100); // fn-b is missing: its update fails
    bed.at(START.plusSeconds(30));
    bed.report("functions", 0.9, 4, 300);
    bed.at(START.plusSeconds(60));
    ScalingEvaluator.Outcome o = evaluateFunctions("f1");
    assertEquals("scale_up", o.action());
    assertEquals("partial", o.actuation().get("status"));
    ScalingStore.ServiceState state = bed.scaling().store().state(LogicalService.FUNCTIONS);
    assertEquals("partial", state.actuationStatus());
    assertTrue(state.actuationError().contains("fn-b"), state.actuationError());
    assertNull(state.appliedMin());
    assertEquals("open", alertStatus("actuation:functions"));

    cloudRun.deploy(B, 2, 100);
    bed.at(START.plusSeconds(90));
    bed.report("functions", 0.5, 8, 300);
    bed.at(START.plusSeconds(100));
    o = evaluateFunctions("f2");
    assertEquals("no_change", o.action());
    assertEquals("applied", o.actuation().get("status"));
    assertEquals(4, cloudRun.services.get(B).getScaling().getMinInstanceCount());
    assertEquals("resolved", alertStatus("actuation:functions"));
  }

  @Test
  void aRedeliveredScheduledEvaluationDecidesNothingTwice() throws Exception {
    deploy();
    bed.at(START.plusSeconds(30));
    bed.report("functions", 0.9, 4, 300);
    bed.at(START.plusSeconds(60));
    assertEquals("committed", evaluateFunctions("same").commit());
    assertEquals("duplicate", evaluateFunctions("same").commit());
    assertEquals(2, cloudRun.updates.size());
  }

  @Test
  void aDecisionMadeFromStaleStateIsNotCommitted() {
    ScalingStore store = bed.scaling().store();
    assertEquals(
        ScalingStore.Commit.COMMITTED,
        store.commitDecision(
            LogicalService.AI,
            0,
            "c1",
            Map.of("service", "ai", "at", Firestores.timestamp(START)),
            Map.of("desiredInstances", 3)));
    // a second evaluator that read revision 0 before the first committed
    assertEquals(
        ScalingStore.Commit.SUPERSEDED,
        store.commitDecision(
            LogicalService.AI,
            0,
            "c2",
            Map.of("service", "ai", "at", Firestores.timestamp(START)),
            Map.of("desiredInstances", 9)));
    assertEquals(3, store.state(LogicalService.AI).desiredInstances());
    assertEquals(false, store.eventExists("c2"));
  }

  @Test
  void rulesAreSeededOnceAndEditsAreHonouredOrHeldWhenInvalid() throws Exception {
    deploy();
    bed.at(START.plusSeconds(30));
    bed.report("functions", 0.95, 10, 300);
    bed.at(START.plusSeconds(60));
    bed.evaluate();
    DocumentSnapshot rule =
        Firestores.await(bed.db.collection(ScalingStore.RULES).document("functions").get());
    assertEquals(100L, rule.getLong("maxInstances"));
    assertEquals(60L, rule.getLong("cooldownSeconds"));
    assertEquals(6, Firestores.await(bed.db.collection(ScalingStore.RULES).get()).size());

    // an operator lowers max in the console: the next scale-up respects it, and seeding leaves it
    // alone
    Firestores.await(
        bed.db.collection(ScalingStore.RULES).document("functions").update("maxInstances", 15));
    bed.at(START.plusSeconds(150));
    bed.report("functions", 0.95, 10, 300);
    bed.at(START.plusSeconds(180));
    bed.evaluate();
    assertEquals(15L, bed.event("functions", bed.clock.instant()).getLong("desiredInstances"));
    assertEquals(
        15L,
        Firestores.await(bed.db.collection(ScalingStore.RULES).document("functions").get())
            .getLong("maxInstances"));

    // a broken edit holds the service (no actuation) and raises an alert until fixed
    Firestores.await(
        bed.db.collection(ScalingStore.RULES).document("functions").update("scaleDownCpu", 0.9));
    int updates = cloudRun.updates.size();
    bed.at(START.plusSeconds(240));
    bed.evaluate();
    DocumentSnapshot held = bed.event("functions", bed.clock.instant());
    assertEquals("rule_invalid", held.getString("reason"));
    assertTrue(held.getString("message").contains("scaleDownCpu"), held.getString("message"));
    assertEquals(updates, cloudRun.updates.size());
    assertEquals("open", alertStatus("rule-invalid:functions"));
    Firestores.await(
        bed.db.collection(ScalingStore.RULES).document("functions").update("scaleDownCpu", 0.3));
    bed.at(START.plusSeconds(300));
    bed.evaluate();
    assertEquals("resolved", alertStatus("rule-invalid:functions"));
  }

  private String alertStatus(String key) {
    return Firestores.await(bed.db.collection(Alerts.COLLECTION).get()).getDocuments().stream()
        .filter(d -> key.equals(d.getString("key")))
        .map(d -> d.getString("status"))
        .findFirst()
        .orElse("none");
  }
}

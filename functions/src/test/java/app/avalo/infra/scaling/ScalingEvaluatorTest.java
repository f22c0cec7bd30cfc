package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Evaluation end to end with the production Cloud Run actuator over a recording Admin API. */
class ScalingEvaluatorTest {
  static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
  static final String A = "projects/demo-avalo/locations/europe-west10/services/fn-a";
  static final String B = "projects/demo-avalo/locations/us-west1/services/fn-b";

  final RecordingCloudRun cloudRun = new RecordingCloudRun();

  @RegisterExtension
  final TestBed bed =
      TestBed.builder()
          .clock(new MutableClock(START))
          .env(
              "SCALING_SERVICE_MAP",
              "functions=fn-a|us-west1/fn-b;realtime=rt;ai=ai;media=media;wallet=wallet;support=support")
          .env("SCALING_CLOUD_RUN_PROJECT", "demo-avalo")
          .scaling(
              new ScalingModule.Adapters(
                  config ->
                      new CloudRunActuator(
                          cloudRun, config.cloudRunProject(), config.actuationTimeout())))
          .build();

  ScalingEvaluator.Outcome evaluateFunctions(String id) {
    return bed.root
        .scaling()
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
    bed.clock.set(START.plusSeconds(30));
    ScalingFixtures.report(bed, "functions", 0.9, 6, 300);
    bed.clock.set(START.plusSeconds(60));
    ScalingEvaluator.Outcome o = evaluateFunctions("e1");
    assertEquals("scale_up", o.action());
    assertEquals(12, o.desiredInstances());
    assertEquals("applied", o.actuation().status(), o.toString());
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
    bed.clock.set(START.plusSeconds(90));
    ScalingFixtures.report(bed, "functions", 0.5, 12, 300);
    bed.clock.set(START.plusSeconds(120));
    o = evaluateFunctions("e2");
    assertEquals("no_change", o.action());
    assertEquals("not_needed", o.actuation().status());
    assertEquals(2, cloudRun.gets.size());

    // after the reconcile interval the services are read again; drift made by hand is corrected
    cloudRun.services.put(
        A,
        cloudRun.services.get(A).toBuilder()
            .setScaling(cloudRun.services.get(A).getScaling().toBuilder().setMinInstanceCount(1))
            .build());
    bed.clock.set(START.plus(Duration.ofMinutes(11)));
    ScalingFixtures.report(bed, "functions", 0.5, 12, 300);
    o = evaluateFunctions("e3");
    assertEquals("applied", o.actuation().status());
    assertEquals(4, cloudRun.gets.size());
    assertEquals(3, cloudRun.updates.size()); // only the drifted service
    assertEquals(6, cloudRun.services.get(A).getScaling().getMinInstanceCount());
  }

  @Test
  void aFailedActuationIsRecordedAlertedAndRetriedByTheNextEvaluation() throws Exception {
    cloudRun.deploy(A, 2, 100); // fn-b is missing: its update fails
    bed.clock.set(START.plusSeconds(30));
    ScalingFixtures.report(bed, "functions", 0.9, 4, 300);
    bed.clock.set(START.plusSeconds(60));
    ScalingEvaluator.Outcome o = evaluateFunctions("f1");
    assertEquals("scale_up", o.action());
    assertEquals("partial", o.actuation().status());
    ServiceState state = bed.root.scaling().store().state(LogicalService.FUNCTIONS);
    assertEquals("partial", state.actuationStatus());
    assertTrue(state.actuationError().contains("fn-b"), state.actuationError());
    assertNull(state.appliedMin());
    assertEquals("open", ScalingFixtures.alertStatus(bed, "actuation:functions"));

    cloudRun.deploy(B, 2, 100);
    bed.clock.set(START.plusSeconds(90));
    ScalingFixtures.report(bed, "functions", 0.5, 8, 300);
    bed.clock.set(START.plusSeconds(100));
    o = evaluateFunctions("f2");
    assertEquals("no_change", o.action());
    assertEquals("applied", o.actuation().status());
    assertEquals(4, cloudRun.services.get(B).getScaling().getMinInstanceCount());
    assertEquals("resolved", ScalingFixtures.alertStatus(bed, "actuation:functions"));
  }

  @Test
  void aRedeliveredScheduledEvaluationDecidesNothingTwice() throws Exception {
    deploy();
    bed.clock.set(START.plusSeconds(30));
    ScalingFixtures.report(bed, "functions", 0.9, 4, 300);
    bed.clock.set(START.plusSeconds(60));
    assertEquals("committed", evaluateFunctions("same").commit());
    assertEquals("duplicate", evaluateFunctions("same").commit());
    assertEquals(2, cloudRun.updates.size());
  }

  @Test
  void aDecisionMadeFromStaleStateIsNotCommitted() {
    ScalingStore store = bed.root.scaling().store();
    assertEquals(Commit.COMMITTED, store.commitDecision(decision("c1", 3), 0));
    // a second evaluator that read revision 0 before the first committed
    assertEquals(Commit.SUPERSEDED, store.commitDecision(decision("c2", 9), 0));
    assertEquals(3, store.state(LogicalService.AI).desiredInstances());
    assertEquals(false, store.eventExists("c2"));
  }

  /** A decision of {@code ai} for {@code desired} instances, recorded as event {@code id}. */
  static RecordedDecision decision(String id, int desired) {
    ScalingController.Decision d =
        new ScalingController.Decision(
            ScalingController.Action.SCALE_UP,
            "test",
            "test",
            null,
            desired,
            null,
            new ScalingController.Bounds(2, 30, "rule"),
            0,
            new DecisionInputs.RuleInvalid(List.of()));
    return new RecordedDecision(
        LogicalService.AI,
        id,
        START,
        "test",
        d,
        desired,
        30,
        "dry-run",
        false,
        "reported",
        List.of(),
        java.util.Map.of(),
        List.of());
  }

  @Test
  void rulesAreSeededOnceAndEditsAreHonouredOrHeldWhenInvalid() throws Exception {
    deploy();
    bed.clock.set(START.plusSeconds(30));
    ScalingFixtures.report(bed, "functions", 0.95, 10, 300);
    bed.clock.set(START.plusSeconds(60));
    ScalingFixtures.evaluate(bed);
    DocumentSnapshot rule =
        Firestores.await(bed.db.collection(ScalingStore.RULES).document("functions").get());
    assertEquals(100L, rule.getLong("maxInstances"));
    assertEquals(60L, rule.getLong("cooldownSeconds"));
    assertEquals(6, Firestores.await(bed.db.collection(ScalingStore.RULES).get()).size());

    // an operator lowers max in the console: the next scale-up respects it, and seeding leaves it
    // alone
    Firestores.await(
        bed.db.collection(ScalingStore.RULES).document("functions").update("maxInstances", 15));
    bed.clock.set(START.plusSeconds(150));
    ScalingFixtures.report(bed, "functions", 0.95, 10, 300);
    bed.clock.set(START.plusSeconds(180));
    ScalingFixtures.evaluate(bed);
    assertEquals(
        15L,
        ScalingFixtures.event(bed, "functions", bed.clock.instant()).getLong("desiredInstances"));
    assertEquals(
        15L,
        Firestores.await(bed.db.collection(ScalingStore.RULES).document("functions").get())
            .getLong("maxInstances"));

    // a broken edit holds the service (no actuation) and raises an alert until fixed
    Firestores.await(
        bed.db.collection(ScalingStore.RULES).document("functions").update("scaleDownCpu", 0.9));
    int updates = cloudRun.updates.size();
    bed.clock.set(START.plusSeconds(240));
    ScalingFixtures.evaluate(bed);
    DocumentSnapshot held = ScalingFixtures.event(bed, "functions", bed.clock.instant());
    assertEquals("rule_invalid", held.getString("reason"));
    assertTrue(held.getString("message").contains("scaleDownCpu"), held.getString("message"));
    assertEquals(updates, cloudRun.updates.size());
    assertEquals("open", ScalingFixtures.alertStatus(bed, "rule-invalid:functions"));
    Firestores.await(
        bed.db.collection(ScalingStore.RULES).document("functions").update("scaleDownCpu", 0.3));
    bed.clock.set(START.plusSeconds(300));
    ScalingFixtures.evaluate(bed);
    assertEquals("resolved", ScalingFixtures.alertStatus(bed, "rule-invalid:functions"));
  }
}

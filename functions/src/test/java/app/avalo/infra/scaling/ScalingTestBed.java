package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** One isolated Firestore project, a movable clock and an admin, with the scaling functions. */
final class ScalingTestBed {
  private static AuthEmulator.User admin;

  final TestBed bed;
  final Firestore db;
  final MutableClock clock;
  final Platform app;

  ScalingTestBed(
      Instant start, Map<String, String> env, Function<ScalingConfig, Actuator> actuator) {
    TestBed.Builder b = TestBed.builder().clock(new MutableClock(start)).env(env);
    if (actuator != null) {
      b.scaling(new ScalingModule.Adapters(actuator));
    }
    this.bed = b.build();
    this.db = bed.db;
    this.clock = bed.clock;
    this.app = bed.platform;
  }

  ScalingTestBed(Instant start) {
    this(start, Map.of(), null);
  }

  static synchronized AuthEmulator.User admin() {
    if (admin == null) {
      admin = AuthEmulator.newAdmin();
    }
    return admin;
  }

  ScalingModule scaling() {
    return bed.root.scaling();
  }

  void at(Instant t) {
    clock.set(t);
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  /** Calls updateMetrics (private, plain JSON) and insists on success. */
  void report(String service, double cpu, long instances, double rps) throws Exception {
    FakeExchange.Response r =
        FakeExchange.post()
            .body(
                String.format(
                    Locale.ROOT,
                    "{\"service\":\"%s\",\"cpu\":%s,\"memory\":0.5,\"rps\":%s,\"instances\":%d}",
                    service,
                    cpu,
                    rps,
                    instances))
            .send(new UpdateMetrics(app, scaling()));
    assertEquals(200, r.status(), r.body());
  }

  FakeExchange.Response privateCall(String body, app.avalo.infra.platform.ApiFunction function)
      throws Exception {
    return FakeExchange.post().body(body).send(function);
  }

  /** Runs a job as Cloud Scheduler would, for the current clock time. */
  JsonObject runJob(ScheduledJob job) throws Exception {
    FakeExchange.Response r =
        FakeExchange.post()
            .header(ScheduledJob.SCHEDULE_TIME_HEADER, clock.instant().toString())
            .body("{}")
            .send(job);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  JsonObject evaluate() throws Exception {
    return runJob(new EvaluateAllServices(app, scaling()));
  }

  /** The decision the last scheduled evaluation recorded for the service. */
  DocumentSnapshot event(String service, Instant scheduledFor) {
    return Firestores.await(
        db.collection(ScalingStore.EVENTS)
            .document(
                ScalingEvaluator.scheduledEventId(
                    LogicalService.byId(service).orElseThrow(), scheduledFor))
            .get());
  }

  FakeExchange.Response admin(String dataJson, app.avalo.infra.platform.ApiFunction function)
      throws Exception {
    return FakeExchange.post().bearer(admin().idToken()).data(dataJson).send(function);
  }
}

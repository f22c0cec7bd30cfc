package app.avalo.infra.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.Storage;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * An Platform for cost tests: its own Firestore project, a hand-moved clock, in-memory Cloud
 * Storage.
 */
final class CostTestApp {
  final TestBed bed;
  final Firestore db;
  final MutableClock clock;
  final Storage storage;
  final Platform app;

  CostTestApp(String startIso, Map<String, String> env) {
    this(TestBed.builder().at(startIso).env(REPORTS).env(env).build());
  }

  private static final Map<String, String> REPORTS =
      Map.of("COST_REPORTS_BUCKET", "avalo-test-cost-reports");

  CostTestApp(String startIso) {
    this(startIso, Map.of());
  }

  private CostTestApp(TestBed bed) {
    this.bed = bed;
    this.db = bed.db;
    this.clock = bed.clock;
    this.storage = bed.storage;
    this.app = bed.platform;
  }

  /** Another "instance" on the same Firestore, clock and storage: its own caches and limiter. */
  CostTestApp anotherInstance(Map<String, String> env) {
    return new CostTestApp(bed.sibling(b -> b.env(env)));
  }

  /**
   * The same project, clock and storage, with Firestore reached through {@code emulatorHost} (e.g.
   * a proxy).
   */
  CostTestApp via(String emulatorHost) {
    return new CostTestApp(
        bed.sibling(
            b -> b.firestore(Emulators.firestore(emulatorHost, db.getOptions().getProjectId()))));
  }

  CostModule cost() {
    return bed.root.cost();
  }

  /** Calls a private function (plain JSON body); asserts the HTTP status, returns the body. */
  JsonObject callPrivate(
      BiFunction<Platform, CostModule, ApiFunction> function, String body, int expectedStatus)
      throws Exception {
    FakeExchange.Response response =
        FakeExchange.post().body(body).send(function.apply(app, cost()));
    assertEquals(expectedStatus, response.status(), response.body());
    return response.json();
  }

  JsonObject callPrivate(BiFunction<Platform, CostModule, ApiFunction> function, String body)
      throws Exception {
    return callPrivate(function, body, 200);
  }

  /**
   * Calls a callable function as {@code user}; asserts the status, returns {@code result} (or the
   * error body).
   */
  JsonObject call(
      BiFunction<Platform, CostModule, ApiFunction> function,
      AuthEmulator.User user,
      String data,
      int expectedStatus)
      throws Exception {
    FakeExchange.Response response =
        FakeExchange.post().bearer(user.idToken()).data(data).send(function.apply(app, cost()));
    assertEquals(expectedStatus, response.status(), response.body());
    return expectedStatus == 200 ? response.result().getAsJsonObject() : response.json();
  }

  JsonObject call(
      BiFunction<Platform, CostModule, ApiFunction> function, AuthEmulator.User user, String data)
      throws Exception {
    return call(function, user, data, 200);
  }
}

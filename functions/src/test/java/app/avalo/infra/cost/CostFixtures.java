package app.avalo.infra.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonObject;
import java.util.function.BiFunction;

/**
 * The cost tests' setup on a {@link TestBed}: a bed with the reports bucket configured, other
 * instances of the same deployment, and calls to cost functions built from the bed's platform and
 * cost module that insist on a status.
 */
final class CostFixtures {
  static final String REPORTS_BUCKET = "avalo-test-cost-reports";

  private CostFixtures() {}

  /** A bed starting at {@code startIso} whose monthly reports go to {@link #REPORTS_BUCKET}. */
  static TestBed.Builder bed(String startIso) {
    return TestBed.builder().at(startIso).env("COST_REPORTS_BUCKET", REPORTS_BUCKET);
  }

  static CostModule cost(TestBed bed) {
    return bed.root.cost();
  }

  /** Another instance on the same Firestore, clock and storage: its own caches and limiter. */
  static TestBed anotherInstance(TestBed bed) {
    return bed.sibling(b -> b);
  }

  /**
   * The same project, clock and storage, with Firestore reached through {@code emulatorHost} (e.g.
   * a proxy).
   */
  static TestBed via(TestBed bed, String emulatorHost) {
    return bed.sibling(
        b -> b.firestore(Emulators.firestore(emulatorHost, bed.db.getOptions().getProjectId())));
  }

  static ApiFunction function(TestBed bed, BiFunction<Platform, CostModule, ApiFunction> function) {
    return function.apply(bed.platform, cost(bed));
  }

  /** Calls a private function (plain JSON body); asserts the HTTP status, returns the body. */
  static JsonObject callPrivate(
      TestBed bed,
      BiFunction<Platform, CostModule, ApiFunction> function,
      String body,
      int expectedStatus)
      throws Exception {
    FakeExchange.Response response = bed.callPrivate(function(bed, function), body);
    assertEquals(expectedStatus, response.status(), response.body());
    return response.json();
  }

  static JsonObject callPrivate(
      TestBed bed, BiFunction<Platform, CostModule, ApiFunction> function, String body)
      throws Exception {
    return callPrivate(bed, function, body, 200);
  }

  /**
   * Calls a callable function as {@code user}; asserts the status, returns {@code result} (or the
   * error body).
   */
  static JsonObject call(
      TestBed bed,
      BiFunction<Platform, CostModule, ApiFunction> function,
      AuthEmulator.User user,
      String data,
      int expectedStatus)
      throws Exception {
    FakeExchange.Response response = bed.callAsUser(user, function(bed, function), data);
    assertEquals(expectedStatus, response.status(), response.body());
    return expectedStatus == 200 ? response.result().getAsJsonObject() : response.json();
  }

  static JsonObject call(
      TestBed bed,
      BiFunction<Platform, CostModule, ApiFunction> function,
      AuthEmulator.User user,
      String data)
      throws Exception {
    return call(bed, function, user, data, 200);
  }
}

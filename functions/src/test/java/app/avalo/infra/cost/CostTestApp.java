package app.avalo.infra.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An App for cost tests: its own Firestore project, a hand-moved clock, in-memory Cloud Storage.
 */
final class CostTestApp {
  final Firestore db;
  final MutableClock clock;
  final Storage storage;
  final App app;

  CostTestApp(String startIso, Map<String, String> env) {
    this(
        Emulators.isolatedFirestore(),
        MutableClock.at(startIso),
        LocalStorageHelper.getOptions().getService(),
        env);
  }

  CostTestApp(String startIso) {
    this(startIso, Map.of());
  }

  private CostTestApp(Firestore db, MutableClock clock, Storage storage, Map<String, String> env) {
    this.db = db;
    this.clock = clock;
    this.storage = storage;
    Map<String, String> all = new HashMap<>(Emulators.env());
    all.put("COST_REPORTS_BUCKET", "avalo-test-cost-reports");
    all.putAll(env);
    this.app = App.builder(all).firestore(db).clock(clock).storage(storage).build();
  }

  /** Another "instance" on the same Firestore, clock and storage: its own caches and limiter. */
  CostTestApp anotherInstance(Map<String, String> env) {
    return new CostTestApp(db, clock, storage, env);
  }

  /**
   * The same project, clock and storage, with Firestore reached through {@code emulatorHost} (e.g.
   * a proxy).
   */
  CostTestApp via(String emulatorHost) {
    return new CostTestApp(
        Emulators.firestore(emulatorHost, db.getOptions().getProjectId()),
        clock,
        storage,
        Map.of());
  }

  CostModule cost() {
    return CostModule.of(app);
  }

  /** Calls a private function (plain JSON body); asserts the HTTP status, returns the body. */
  JsonObject callPrivate(
      Function<Supplier<App>, ApiFunction> function, String body, int expectedStatus)
      throws Exception {
    FakeExchange.Response response = FakeExchange.post().body(body).send(function.apply(() -> app));
    assertEquals(expectedStatus, response.status(), response.body());
    return response.json();
  }

  JsonObject callPrivate(Function<Supplier<App>, ApiFunction> function, String body)
      throws Exception {
    return callPrivate(function, body, 200);
  }

  /**
   * Calls a callable function as {@code user}; asserts the status, returns {@code result} (or the
   * error body).
   */
  JsonObject call(
      Function<Supplier<App>, ApiFunction> function,
      AuthEmulator.User user,
      String data,
      int expectedStatus)
      throws Exception {
    FakeExchange.Response response =
        FakeExchange.post().bearer(user.idToken()).data(data).send(function.apply(() -> app));
    assertEquals(expectedStatus, response.status(), response.body());
    return expectedStatus == 200 ? response.result().getAsJsonObject() : response.json();
  }

  JsonObject call(
      Function<Supplier<App>, ApiFunction> function, AuthEmulator.User user, String data)
      throws Exception {
    return call(function, user, data, 200);
  }
}

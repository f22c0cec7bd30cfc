package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.functions.HttpFunction;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * One test's routing world: its own Firestore project, a clock the test moves (the health checks'
 * waits move it instead of sleeping), the routing module, and helpers to call functions.
 */
final class RoutingTestKit implements AutoCloseable {
  final TestBed bed;
  final Firestore db;
  final MutableClock clock;
  final Platform app;
  final RoutingModule routing;
  private final AuthEmulator.User admin;

  RoutingTestKit(Map<String, String> env) {
    this(env, FailoverMigrator.BatchHook.NONE);
  }

  RoutingTestKit(Map<String, String> env, FailoverMigrator.BatchHook hook) {
    MutableClock testClock = MutableClock.at("2026-11-27T06:00:00Z");
    this.bed =
        TestBed.builder()
            .clock(testClock)
            .env(env)
            .routing(new RoutingModule.Adapters(testClock::advance, hook))
            .build();
    this.db = bed.db;
    this.clock = bed.clock;
    this.app = bed.platform;
    this.routing = bed.root.routing();
    this.admin = AuthEmulator.newAdmin();
  }

  /** Creates the three regions, their health URLs on {@code server} (if given). */
  void initializeRegions(RegionHealthServer server) throws Exception {
    String data =
        server == null
            ? "{}"
            : "{\"regions\":["
                + String.join(
                    ",",
                    RegionDefinition.ids().stream()
                        .map(
                            id ->
                                "{\"id\":\"" + id + "\",\"healthUrl\":\"" + server.url(id) + "\"}")
                        .toList())
                + "]}";
    FakeExchange.Response r = asAdmin(new InitializeRegions(app, routing), data);
    if (r.status() != 200) {
      throw new AssertionError("initializeRegions failed: " + r.body());
    }
  }

  FakeExchange.Response asAdmin(HttpFunction function, String data) throws Exception {
    return FakeExchange.post().bearer(admin.idToken()).data(data).send(function);
  }

  FakeExchange.Response asUser(AuthEmulator.User user, HttpFunction function, String data)
      throws Exception {
    return FakeExchange.post().bearer(user.idToken()).data(data).send(function);
  }

  /** Sets a region's stored health status, as the health checks would, and refreshes the view. */
  void setHealth(String region, RegionStatus status) {
    Map<String, Object> update = new HashMap<>();
    update.put("status", status.wire());
    update.put("consecutiveFailures", status == RegionStatus.UNHEALTHY ? 3L : 0L);
    Firestores.await(db.collection(RegionStore.REGIONS).document(region).update(update));
    routing.view().refreshNow();
  }

  DocumentSnapshot region(String id) {
    return Firestores.await(db.collection(RegionStore.REGIONS).document(id).get());
  }

  JsonObject result(FakeExchange.Response response) {
    if (response.status() != 200) {
      throw new AssertionError("expected 200, got " + response.status() + ": " + response.body());
    }
    return response.result().getAsJsonObject();
  }

  /** Sends a request's data and returns the response. */
  @FunctionalInterface
  interface Call {
    FakeExchange.Response send(String data) throws Exception;
  }

  /**
   * Sends each input; each must be refused with INVALID_ARGUMENT naming the expected field ({@code
   * error.details.field}), and none may write anything.
   */
  static void assertRefused(Map<String, String> inputToField, Call call) throws Exception {
    long writes = Emulators.firestoreWriteCount();
    for (Map.Entry<String, String> c : inputToField.entrySet()) {
      FakeExchange.Response r = call.send(c.getKey());
      assertEquals(400, r.status(), c.getKey() + " -> " + r.body());
      assertEquals("INVALID_ARGUMENT", r.errorStatus(), c.getKey() + " -> " + r.body());
      assertEquals(
          c.getValue(),
          r.json().getAsJsonObject("error").getAsJsonObject("details").get("field").getAsString(),
          c.getKey() + " -> " + r.body());
    }
    assertEquals(writes, Emulators.firestoreWriteCount(), "refused requests write nothing");
  }

  @Override
  public void close() {
    bed.close();
  }
}

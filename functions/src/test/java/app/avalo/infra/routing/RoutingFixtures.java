package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.WriteBatch;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The routing tests' world on a {@link TestBed}: a bed whose health-check waits move its clock
 * instead of sleeping, the regions initialised, a region's health set as the checks would, pinned
 * users, and the refusal tables in {@code src/test/resources/routing/refused/}.
 */
final class RoutingFixtures {
  /** When every routing test's clock starts. */
  static final String START = "2026-11-27T06:00:00Z";

  private RoutingFixtures() {}

  /** A bed at {@link #START} with {@code hook} on failover batches. */
  static TestBed.Builder bed(FailoverMigrator.BatchHook hook) {
    return bed(MutableClock.at(START), hook);
  }

  static TestBed.Builder bed() {
    return bed(FailoverMigrator.BatchHook.NONE);
  }

  /** A bed on {@code clock}: the rounds of a health run wait by advancing it. */
  static TestBed.Builder bed(MutableClock clock, FailoverMigrator.BatchHook hook) {
    return TestBed.builder().clock(clock).routing(new RoutingModule.Adapters(clock::advance, hook));
  }

  /** Creates the three regions through {@code initializeRegions}, health URLs on {@code server}. */
  static void initializeRegions(TestBed bed, RegionHealthServer server) throws Exception {
    JsonArray regions = new JsonArray();
    if (server != null) {
      for (String id : RegionDefinition.ids()) {
        JsonObject region = new JsonObject();
        region.addProperty("id", id);
        region.addProperty("healthUrl", server.url(id));
        regions.add(region);
      }
    }
    JsonObject data = new JsonObject();
    if (server != null) {
      data.add("regions", regions);
    }
    result(bed.callAsAdmin(bed.function("initializeRegions"), Json.write(data)));
  }

  /** Sets a region's stored health status, as the health checks would, and refreshes the view. */
  static void setHealth(TestBed bed, String region, RegionStatus status) {
    Firestores.await(
        bed.db
            .collection(RegionStore.REGIONS)
            .document(region)
            .update(
                Map.of(
                    "status",
                    status.wire(),
                    "consecutiveFailures",
                    status == RegionStatus.UNHEALTHY ? 3L : 0L)));
    bed.root.routing().view().refreshNow();
  }

  /** The stored {@code regions/{id}} document. */
  static DocumentSnapshot region(TestBed bed, String id) {
    return Firestores.await(bed.db.collection(RegionStore.REGIONS).document(id).get());
  }

  /** Writes a pin for each user, on the region {@code regionOf} gives, in batches of 500. */
  static void pinUsers(
      Firestore db, List<String> uids, Function<String, String> regionOf, Instant at) {
    for (int start = 0; start < uids.size(); start += 500) {
      WriteBatch batch = db.batch();
      for (String uid : uids.subList(start, Math.min(uids.size(), start + 500))) {
        batch.set(
            db.collection(UserPins.MAPPINGS).document(uid),
            Map.of(
                "regionId",
                regionOf.apply(uid),
                "assignedAt",
                Firestores.timestamp(at),
                "updatedAt",
                Firestores.timestamp(at)));
      }
      Firestores.await(batch.commit());
    }
  }

  /** The {@code result} of a 200 answer. */
  static JsonObject result(FakeExchange.Response response) {
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
   * Sends each input of the table {@code refused/<table>.json} ({@code [{data, field}]}); each must
   * be refused with INVALID_ARGUMENT naming {@code field} ({@code error.details.field}), and none
   * may write anything.
   */
  static void assertRefused(String table, Call call) throws Exception {
    JsonArray cases = fixture("refused/" + table + ".json").getAsJsonArray();
    assertFalse(cases.isEmpty(), table + " has no cases");
    long writes = Emulators.firestoreWriteCount();
    for (JsonElement c : cases) {
      String data = Json.write(c.getAsJsonObject().get("data"));
      String field = c.getAsJsonObject().get("field").getAsString();
      FakeExchange.Response r = call.send(data);
      assertEquals(400, r.status(), data + " -> " + r.body());
      assertEquals("INVALID_ARGUMENT", r.errorStatus(), data + " -> " + r.body());
      assertEquals(
          field,
          r.json().getAsJsonObject("error").getAsJsonObject("details").get("field").getAsString(),
          data + " -> " + r.body());
    }
    assertEquals(writes, Emulators.firestoreWriteCount(), "refused requests write nothing");
  }

  /** A JSON file under {@code src/test/resources/routing/}. */
  static JsonElement fixture(String path) {
    try (InputStream in = RoutingFixtures.class.getResourceAsStream("/routing/" + path)) {
      if (in == null) {
        throw new AssertionError("no fixture routing/" + path);
      }
      return Json.parseStrict(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several thousand pinned users moved in checkpointed batches of 500, with crashes injected between
 * and inside batches: after resuming, everyone pinned to the source region is on the target,
 * exactly once, and nobody else was touched.
 */
class FailoverMigrationTest {
  private static final int EU_USERS = 3_000;
  private static final int US_USERS = 120;

  /**
   * Records every committed batch; can be told to crash at a given batch, before or after its
   * commit.
   */
  private static final class Crashes implements FailoverMigrator.BatchHook {
    final Map<String, Long> movedIn = new ConcurrentHashMap<>();
    final List<String> duplicates = new ArrayList<>();
    final AtomicReference<String> crash = new AtomicReference<>();

    @Override
    public void beforeCommit(String operationId, long batch, List<String> uids) {
      if (("before:" + batch).equals(crash.get())) {
        crash.set(null);
        throw new IllegalStateException("injected crash inside batch " + batch);
      }
    }

    @Override
    public synchronized void afterCommit(String operationId, long batch, List<String> uids) {
      for (String uid : uids) {
        if (movedIn.put(uid, batch) != null) {
          duplicates.add(uid);
        }
      }
      if (("after:" + batch).equals(crash.get())) {
        crash.set(null);
        throw new IllegalStateException("injected crash after batch " + batch);
      }
    }
  }

  private final Crashes crashes = new Crashes();
  @RegisterExtension final TestBed bed = RoutingFixtures.bed(crashes).build();

  @BeforeEach
  void initializeRegions() throws Exception {
    RoutingFixtures.initializeRegions(bed, null);
  }

  /** {@link #EU_USERS} pinned to EU (ids in no particular order), {@link #US_USERS} to US. */
  private void pinUsers() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < EU_USERS; i++) {
      ids.add("eu-" + Integer.toString(i * 7919 % 100_000, 36) + "-" + i);
    }
    for (int i = 0; i < US_USERS; i++) {
      ids.add("us-" + i);
    }
    RoutingFixtures.pinUsers(
        bed.db, ids, uid -> uid.startsWith("eu-") ? "EU" : "US", bed.clock.instant());
  }

  private Map<String, String> pins() {
    Map<String, String> pins = new HashMap<>();
    for (QueryDocumentSnapshot d :
        Firestores.await(bed.db.collection(UserPins.MAPPINGS).get()).getDocuments()) {
      pins.put(d.getId(), d.getString("regionId"));
    }
    return pins;
  }

  private JsonObject initiate(Map<String, String> data) throws Exception {
    return RoutingFixtures.result(call(Json.write(data)));
  }

  private FakeExchange.Response call(String data) throws Exception {
    return bed.callAsAdmin(bed.function("initiateRegionFailover"), data);
  }

  private void assertEveryoneMovedExactlyOnce() {
    Map<String, String> pins = pins();
    assertEquals(EU_USERS + US_USERS, pins.size());
    pins.forEach((uid, region) -> assertEquals(uid.startsWith("eu-") ? "ASIA" : "US", region, uid));
    assertTrue(crashes.duplicates.isEmpty(), "moved twice: " + crashes.duplicates);
    assertEquals(EU_USERS, crashes.movedIn.size());
    assertTrue(crashes.movedIn.keySet().stream().allMatch(uid -> uid.startsWith("eu-")));
  }

  @Test
  void crashBetweenBatchesResumesWithoutMovingAnyoneTwiceOrSkippingAnyone() throws Exception {
    pinUsers();
    FailoverMigrator migrator = bed.root.routing().failover();
    FailoverOperation op = migrator.start("EU", "ASIA", "test", "drill");
    crashes.crash.set("after:3");
    assertThrows(IllegalStateException.class, () -> migrator.run(op.id(), Instant.MAX));

    FailoverOperation checkpoint = migrator.get(op.id());
    assertEquals(FailoverOperation.RUNNING, checkpoint.status());
    assertEquals(1_500, checkpoint.moved(), "three batches committed before the crash");
    assertEquals(3, checkpoint.batches());
    assertEquals(1_500, pins().values().stream().filter("ASIA"::equals).count());

    JsonObject resumed = initiate(Map.of("operationId", op.id()));
    assertEquals("completed", resumed.get("status").getAsString());
    assertEquals(EU_USERS, resumed.get("moved").getAsLong());
    assertEquals(6, resumed.get("batches").getAsLong(), "3000 users in batches of 500");
    assertNotNull(resumed.get("finishedAt"));
    assertEveryoneMovedExactlyOnce();
    assertNull(RoutingFixtures.region(bed, "EU").getString("activeFailoverId"));
  }

  @Test
  void crashInsideABatchCommitsNothingOfIt() throws Exception {
    pinUsers();
    crashes.crash.set("before:2");
    FakeExchange.Response crashed =
        call(
            """
            {"fromRegion": "EU", "toRegion": "ASIA"}
            """);
    assertEquals(500, crashed.status(), crashed.body());
    String opId = RoutingFixtures.region(bed, "EU").getString("activeFailoverId");
    FailoverOperation checkpoint = bed.root.routing().failover().get(opId);
    assertEquals(500, checkpoint.moved());
    assertEquals(
        500, pins().values().stream().filter("ASIA"::equals).count(), "batch 2 left no trace");

    JsonObject resumed = initiate(Map.of("fromRegion", "EU", "toRegion", "ASIA"));
    assertEquals(
        opId, resumed.get("id").getAsString(), "starting the same failover again continues it");
    assertEquals("completed", resumed.get("status").getAsString());
    assertEveryoneMovedExactlyOnce();
  }

  @Test
  void finishedOperationIsReportedWithoutWriting() throws Exception {
    pinUsers();
    JsonObject done = initiate(Map.of("fromRegion", "EU", "toRegion", "ASIA"));
    assertEquals("completed", done.get("status").getAsString());
    long writes = Emulators.firestoreWriteCount();
    JsonObject again = initiate(Map.of("operationId", done.get("id").getAsString()));
    assertEquals(EU_USERS, again.get("moved").getAsLong());
    assertEquals(writes + 1, Emulators.firestoreWriteCount(), "only the audit record");
    var events =
        Firestores.await(bed.db.collection(RegionStore.EVENTS).whereEqualTo("regionId", "EU").get())
            .getDocuments()
            .stream()
            .map(d -> d.getString("type"))
            .sorted()
            .toList();
    assertEquals(List.of("failover-completed", "failover-started"), events);
    Map<String, Object> checkpoint =
        Firestores.await(
                bed.db
                    .collection(FailoverMigrator.OPERATIONS)
                    .document(done.get("id").getAsString())
                    .get())
            .getData();
    assertEquals(
        Set.of(
            "fromRegion",
            "toRegion",
            "status",
            "cursor",
            "moved",
            "batches",
            "batchSize",
            "startedBy",
            "reason",
            "startedAt",
            "updatedAt",
            "finishedAt"),
        checkpoint.keySet(),
        "the failoverOperations/{id} fields of docs/routing.md");
    assertEquals((long) EU_USERS, checkpoint.get("moved"));
    assertEquals(500L, checkpoint.get("batchSize"));
    assertNull(RoutingFixtures.region(bed, "EU").get("activeFailoverId"));
  }

  @Test
  void aSecondFailoverOutOfTheSameRegionToElsewhereIsRefusedWhileOneRuns() throws Exception {
    pinUsers();
    FailoverOperation op = bed.root.routing().failover().start("EU", "ASIA", "test", "drill");
    FakeExchange.Response other =
        call(
            """
            {"fromRegion": "EU", "toRegion": "US"}
            """);
    assertEquals("FAILED_PRECONDITION", other.errorStatus(), other.body());
    assertTrue(other.errorMessage().contains(op.id()));
  }

  @Test
  void forceFailoverWithATargetDrainsAndMovesEveryPinnedUser() throws Exception {
    pinUsers();
    JsonObject result =
        RoutingFixtures.result(
            bed.callAsAdmin(
                bed.function("forceFailover"),
                """
                {"fromRegion": "EU", "toRegion": "ASIA", "reason": "region outage drill"}
                """));
    assertEquals("draining", result.get("status").getAsString());
    assertEquals("completed", result.getAsJsonObject("operation").get("status").getAsString());
    assertEveryoneMovedExactlyOnce();
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsWritten() throws Exception {
    RoutingFixtures.assertRefused("initiateRegionFailover", this::call);
    FakeExchange.Response unknown = call(Json.write(Map.of("operationId", "nope")));
    assertEquals("NOT_FOUND", unknown.errorStatus());
    assertTrue(pins().isEmpty(), "no user was ever pinned here");
  }
}

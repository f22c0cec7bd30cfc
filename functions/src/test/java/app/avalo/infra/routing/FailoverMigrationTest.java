package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.WriteBatch;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
  private RoutingTestKit kit;

  @AfterEach
  void tearDown() {
    if (kit != null) {
      kit.close();
    }
  }

  private void setUp() throws Exception {
    kit = new RoutingTestKit(Map.of(), crashes);
    kit.initializeRegions(null);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < EU_USERS; i++) {
      ids.add("eu-" + Integer.toString(i * 7919 % 100_000, 36) + "-" + i);
    }
    for (int i = 0; i < US_USERS; i++) {
      ids.add("us-" + i);
    }
    for (int start = 0; start < ids.size(); start += 500) {
      WriteBatch batch = kit.db.batch();
      for (String uid : ids.subList(start, Math.min(ids.size(), start + 500))) {
        Map<String, Object> pin = new HashMap<>();
        pin.put("regionId", uid.startsWith("eu-") ? "EU" : "US");
        pin.put("assignedAt", Firestores.timestamp(kit.clock.instant()));
        pin.put("updatedAt", Firestores.timestamp(kit.clock.instant()));
        batch.set(kit.db.collection(UserPins.MAPPINGS).document(uid), pin);
      }
      Firestores.await(batch.commit());
    }
  }

  private Map<String, String> pins() {
    Map<String, String> pins = new HashMap<>();
    for (QueryDocumentSnapshot d :
        Firestores.await(kit.db.collection(UserPins.MAPPINGS).get()).getDocuments()) {
      pins.put(d.getId(), d.getString("regionId"));
    }
    return pins;
  }

  private JsonObject initiate(String data) throws Exception {
    return kit.result(kit.asAdmin(new InitiateRegionFailover(kit.app, kit.routing), data));
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
    setUp();
    FailoverMigrator migrator = kit.routing.failover();
    FailoverOperation op = migrator.start("EU", "ASIA", "test", "drill");
    crashes.crash.set("after:3");
    assertThrows(IllegalStateException.class, () -> migrator.run(op.id(), Instant.MAX));

    FailoverOperation checkpoint = migrator.get(op.id());
    assertEquals(FailoverOperation.RUNNING, checkpoint.status());
    assertEquals(1_500, checkpoint.moved(), "three batches committed before the crash");
    assertEquals(3, checkpoint.batches());
    assertEquals(1_500, pins().values().stream().filter("ASIA"::equals).count());

    JsonObject resumed = initiate("{\"operationId\":\"" + op.id() + "\"}");
    assertEquals("completed", resumed.get("status").getAsString());
    assertEquals(EU_USERS, resumed.get("moved").getAsLong());
    assertEquals(6, resumed.get("batches").getAsLong(), "3000 users in batches of 500");
    assertNotNull(resumed.get("finishedAt"));
    assertEveryoneMovedExactlyOnce();
    assertNull(kit.region("EU").getString("activeFailoverId"));
  }

  @Test
  void crashInsideABatchCommitsNothingOfIt() throws Exception {
    setUp();
    crashes.crash.set("before:2");
    FakeExchange.Response crashed =
        kit.asAdmin(
            new InitiateRegionFailover(kit.app, kit.routing),
            "{\"fromRegion\":\"EU\",\"toRegion\":\"ASIA\"}");
    assertEquals(500, crashed.status(), crashed.body());
    String opId = kit.region("EU").getString("activeFailoverId");
    FailoverOperation checkpoint = kit.routing.failover().get(opId);
    assertEquals(500, checkpoint.moved());
    assertEquals(
        500, pins().values().stream().filter("ASIA"::equals).count(), "batch 2 left no trace");

    JsonObject resumed = initiate("{\"fromRegion\":\"EU\",\"toRegion\":\"ASIA\"}");
    assertEquals(
        opId, resumed.get("id").getAsString(), "starting the same failover again continues it");
    assertEquals("completed", resumed.get("status").getAsString());
    assertEveryoneMovedExactlyOnce();
  }

  @Test
  void finishedOperationIsReportedWithoutWriting() throws Exception {
    setUp();
    JsonObject done = initiate("{\"fromRegion\":\"EU\",\"toRegion\":\"ASIA\"}");
    assertEquals("completed", done.get("status").getAsString());
    long writes = Emulators.firestoreWriteCount();
    JsonObject again = initiate("{\"operationId\":\"" + done.get("id").getAsString() + "\"}");
    assertEquals(EU_USERS, again.get("moved").getAsLong());
    assertEquals(writes + 1, Emulators.firestoreWriteCount(), "only the audit record");
    var events =
        Firestores.await(kit.db.collection(RegionStore.EVENTS).whereEqualTo("regionId", "EU").get())
            .getDocuments()
            .stream()
            .map(d -> d.getString("type"))
            .sorted()
            .toList();
    assertEquals(List.of("failover-completed", "failover-started"), events);
  }

  @Test
  void aSecondFailoverOutOfTheSameRegionToElsewhereIsRefusedWhileOneRuns() throws Exception {
    setUp();
    FailoverOperation op = kit.routing.failover().start("EU", "ASIA", "test", "drill");
    FakeExchange.Response other =
        kit.asAdmin(
            new InitiateRegionFailover(kit.app, kit.routing),
            "{\"fromRegion\":\"EU\",\"toRegion\":\"US\"}");
    assertEquals("FAILED_PRECONDITION", other.errorStatus(), other.body());
    assertTrue(other.errorMessage().contains(op.id()));
  }

  @Test
  void forceFailoverWithATargetDrainsAndMovesEveryPinnedUser() throws Exception {
    setUp();
    JsonObject result =
        kit.result(
            kit.asAdmin(
                new ForceFailover(kit.app, kit.routing),
                "{\"fromRegion\":\"EU\",\"toRegion\":\"ASIA\",\"reason\":\"region outage"
                    + " drill\"}"));
    assertEquals("draining", result.get("status").getAsString());
    assertEquals("completed", result.getAsJsonObject("operation").get("status").getAsString());
    assertEveryoneMovedExactlyOnce();
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsWritten() throws Exception {
    kit = new RoutingTestKit(Map.of());
    kit.initializeRegions(null);
    Map<String, String> cases =
        Map.of(
            "{}", "fromRegion",
            "{\"fromRegion\":\"EU\"}", "toRegion",
            "{\"fromRegion\":\"EU\",\"toRegion\":\"EU\"}", "toRegion",
            "{\"fromRegion\":\"MARS\",\"toRegion\":\"EU\"}", "fromRegion",
            "{\"operationId\":\"a/b\"}", "operationId",
            "{\"operationId\":\"x\",\"fromRegion\":\"EU\"}", "operationId",
            "{\"fromRegion\":\"EU\",\"toRegion\":\"US\",\"batchSize\":10}", "batchSize");
    RoutingTestKit.assertRefused(
        cases, data -> kit.asAdmin(new InitiateRegionFailover(kit.app, kit.routing), data));
    FakeExchange.Response unknown =
        kit.asAdmin(new InitiateRegionFailover(kit.app, kit.routing), "{\"operationId\":\"nope\"}");
    assertEquals("NOT_FOUND", unknown.errorStatus());
    assertTrue(pins().isEmpty(), "no user was ever pinned here");
  }
}

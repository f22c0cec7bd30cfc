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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several thousand pinned users moved by parallel workers over key ranges in checkpointed batches,
 * with crashes injected between and inside batches and partitions handed to two workers at once:
 * after resuming, everyone pinned to the source region is on the target, exactly once, and nobody
 * else was touched.
 */
class FailoverMigrationTest {
  private static final int EU_USERS = 3_000;
  private static final int US_USERS = 120;
  private static final int BATCH = 50;
  private static final int PARTITIONS = 4;

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

  @RegisterExtension
  final TestBed bed =
      RoutingFixtures.bed(crashes)
          .env("ROUTING_FAILOVER_BATCH_SIZE", Integer.toString(BATCH))
          .env("ROUTING_FAILOVER_PARTITIONS", Integer.toString(PARTITIONS))
          .build();

  /** The EU users' ids: random like Firebase Auth uids, so they spread over the key ranges. */
  private final Set<String> euUsers = new HashSet<>();

  @BeforeEach
  void initializeRegions() throws Exception {
    RoutingFixtures.initializeRegions(bed, null);
  }

  /** {@link #EU_USERS} pinned to EU (random uids), {@link #US_USERS} to US. */
  private void pinUsers() {
    Random random = new Random(42);
    while (euUsers.size() < EU_USERS) {
      StringBuilder uid = new StringBuilder();
      for (int c = 0; c < 20; c++) {
        uid.append(
            FailoverMigrator.UID_ALPHABET.charAt(
                random.nextInt(FailoverMigrator.UID_ALPHABET.length())));
      }
      euUsers.add(uid.toString());
    }
    List<String> ids = new ArrayList<>(euUsers);
    for (int i = 0; i < US_USERS; i++) {
      ids.add("us-" + i);
    }
    RoutingFixtures.pinUsers(
        bed.db, ids, uid -> euUsers.contains(uid) ? "EU" : "US", bed.clock.instant());
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

  /** Waits for the operation's workers to finish it. */
  private FailoverOperation awaitCompleted(String id) throws InterruptedException {
    FailoverMigrator migrator = bed.root.routing().failover();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    FailoverOperation op = migrator.get(id);
    while (!op.finished() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      op = migrator.get(id);
    }
    assertEquals(FailoverOperation.COMPLETED, op.status(), "the workers finished: " + op);
    return op;
  }

  private void assertEveryoneMovedExactlyOnce() {
    Map<String, String> pins = pins();
    assertEquals(EU_USERS + US_USERS, pins.size());
    pins.forEach((uid, region) -> assertEquals(euUsers.contains(uid) ? "ASIA" : "US", region, uid));
    assertTrue(crashes.duplicates.isEmpty(), "moved twice: " + crashes.duplicates);
    assertEquals(euUsers, crashes.movedIn.keySet());
  }

  @Test
  void initiateAnswersAtOnceAndTheWorkersMoveEveryone() throws Exception {
    pinUsers();
    JsonObject started = initiate(Map.of("fromRegion", "EU", "toRegion", "ASIA"));
    assertEquals(PARTITIONS, started.get("partitions").getAsInt());
    FailoverOperation done = awaitCompleted(started.get("id").getAsString());
    assertEquals(EU_USERS, done.moved());
    assertEquals(PARTITIONS, done.partitionsDone());
    for (FailoverPartition p : bed.root.routing().failover().partitions(done.id())) {
      long inRange =
          euUsers.stream()
              .filter(u -> p.startAt() == null || u.compareTo(p.startAt()) >= 0)
              .filter(u -> p.endBefore() == null || u.compareTo(p.endBefore()) < 0)
              .count();
      assertEquals(inRange, p.moved(), "partition " + p.index() + " moved exactly its key range");
      assertTrue(inRange > 0, "the ranges split the users");
    }
    assertNotNull(done.finishedAt());
    assertEveryoneMovedExactlyOnce();
    assertNull(RoutingFixtures.region(bed, "EU").getString("activeFailoverId"));
  }

  @Test
  void crashMidPartitionIsResumedByTheJobWithEveryUserMovedExactlyOnce() throws Exception {
    pinUsers();
    FailoverMigrator migrator = bed.root.routing().failover();
    FailoverOperation op = migrator.start("EU", "ASIA", "test", "drill");
    crashes.crash.set("after:3");
    // A worker dies after its partition's third batch committed (the task is lost with it).
    assertThrows(
        IllegalStateException.class, () -> migrator.runPartition(op.id(), 0, Instant.MAX, false));
    FailoverPartition crashed = migrator.partitions(op.id()).get(0);
    assertEquals(3, crashed.batches());
    assertEquals(3 * BATCH, crashed.moved(), "three batches committed before the crash");
    assertEquals(FailoverOperation.RUNNING, migrator.get(op.id()).status());

    assertEquals(0, migrator.resumeStale(null), "nothing is stale yet");
    bed.clock.advance(FailoverMigrator.STALE_PARTITION.plusSeconds(1));
    assertEquals(PARTITIONS, migrator.resumeStale(null), "every unfinished partition is queued");
    FailoverOperation done = awaitCompleted(op.id());
    assertEquals(EU_USERS, done.moved());
    assertEveryoneMovedExactlyOnce();
  }

  @Test
  void crashInsideABatchCommitsNothingOfItAndStartingAgainContinues() throws Exception {
    pinUsers();
    FailoverMigrator migrator = bed.root.routing().failover();
    FailoverOperation op = migrator.start("EU", "ASIA", "test", "drill");
    crashes.crash.set("before:2");
    assertThrows(
        IllegalStateException.class, () -> migrator.runPartition(op.id(), 0, Instant.MAX, false));
    assertEquals(BATCH, migrator.get(op.id()).moved());
    assertEquals(
        BATCH, pins().values().stream().filter("ASIA"::equals).count(), "batch 2 left no trace");

    JsonObject resumed = initiate(Map.of("fromRegion", "EU", "toRegion", "ASIA"));
    assertEquals(
        op.id(), resumed.get("id").getAsString(), "starting the same failover again continues it");
    awaitCompleted(op.id());
    assertEveryoneMovedExactlyOnce();
  }

  @Test
  void parallelWorkersOnTheSamePartitionsNeverMoveAUserTwice() throws Exception {
    pinUsers();
    FailoverMigrator migrator = bed.root.routing().failover();
    FailoverOperation op = migrator.start("EU", "ASIA", "test", "drill");
    // Every partition handed to two workers at once, as a re-delivered task would be.
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int i = 0; i < PARTITIONS * 2; i++) {
      int partition = i % PARTITIONS;
      Thread t =
          new Thread(
              () -> {
                for (int attempt = 0; attempt < 5; attempt++) {
                  try {
                    migrator.runPartition(op.id(), partition, Instant.MAX, false);
                    return;
                  } catch (RuntimeException e) {
                    failures.add(e); // contention beyond the transaction's retries: try again
                  }
                }
              });
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) {
      t.join(TimeUnit.SECONDS.toMillis(120));
    }
    FailoverOperation done = migrator.get(op.id());
    assertEquals(FailoverOperation.COMPLETED, done.status(), "failures: " + failures);
    assertEquals(EU_USERS, done.moved());
    assertEveryoneMovedExactlyOnce();
  }

  @Test
  void finishedOperationIsReportedWithoutWriting() throws Exception {
    pinUsers();
    JsonObject started = initiate(Map.of("fromRegion", "EU", "toRegion", "ASIA"));
    String id = started.get("id").getAsString();
    awaitCompleted(id);
    long writes = Emulators.firestoreWriteCount();
    JsonObject again = initiate(Map.of("operationId", id));
    assertEquals("completed", again.get("status").getAsString());
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
        Firestores.await(bed.db.collection(FailoverMigrator.OPERATIONS).document(id).get())
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
            "finishedAt",
            "partitions"),
        checkpoint.keySet(),
        "the failoverOperations/{id} fields of docs/routing.md");
    assertEquals((long) EU_USERS, checkpoint.get("moved"));
    assertEquals((long) BATCH, checkpoint.get("batchSize"));
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
    awaitCompleted(result.getAsJsonObject("operation").get("id").getAsString());
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

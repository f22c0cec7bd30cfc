package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TcpProxy;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Firestore goes away in the middle of a region failover (a loopback proxy in front of the emulator
 * is cut part-way): the migration stops with whole batches committed and its checkpoint consistent
 * with them, and once Firestore is back, resuming moves everyone else exactly once.
 */
class FailoverOutageTest {
  private static final int EU_USERS = 2_000;

  /**
   * A project with EU_USERS pinned to EU and 100 to US, and a bed whose Firestore goes through
   * {@code proxy}.
   */
  private static TestBed world(Firestore direct, TcpProxy proxy, MutableClock clock) {
    List<String> uids = new ArrayList<>();
    for (int i = 0; i < EU_USERS + 100; i++) {
      uids.add((i < EU_USERS ? "eu-" : "us-") + i);
    }
    RoutingFixtures.pinUsers(
        direct, uids, uid -> uid.startsWith("eu-") ? "EU" : "US", clock.instant());
    TestBed bed =
        RoutingFixtures.bed(clock, FailoverMigrator.BatchHook.NONE)
            .firestore(Emulators.firestore(proxy.address(), direct.getOptions().getProjectId()))
            .build();
    bed.root
        .routing()
        .regions()
        .initialize(
            RegionDefinition.SKELETON.stream()
                .map(d -> d.withUrls("http://127.0.0.1:9/", "http://127.0.0.1:9/"))
                .toList(),
            Map.of(),
            clock.instant());
    return bed;
  }

  private static Map<String, Long> regionCounts(Firestore db) {
    Map<String, Long> counts = new HashMap<>();
    for (QueryDocumentSnapshot d :
        Firestores.await(db.collection(UserPins.MAPPINGS).get()).getDocuments()) {
      counts.merge(d.getString("regionId"), 1L, Long::sum);
    }
    return counts;
  }

  @Test
  void firestoreLostMidFailoverStopsOnABatchBoundaryAndResumes() throws Exception {
    MutableClock clock = MutableClock.at("2026-11-27T06:00:00Z");
    // How much traffic a whole migration takes, measured on a project of its own.
    long fullTraffic;
    try (TcpProxy measuring = new TcpProxy(Emulators.firestoreHost());
        TestBed bed = world(Emulators.isolatedFirestore(), measuring, clock)) {
      RoutingModule routing = bed.root.routing();
      FailoverOperation op = routing.failover().start("EU", "ASIA", "measure", "drill");
      measuring.resetCount();
      routing.failover().run(op.id(), Instant.MAX);
      fullTraffic = measuring.bytes();
    }

    Firestore direct = Emulators.isolatedFirestore();
    try (TcpProxy proxy = new TcpProxy(Emulators.firestoreHost());
        TestBed bed = world(direct, proxy, clock)) {
      RoutingModule routing = bed.root.routing();
      FailoverOperation op = routing.failover().start("EU", "ASIA", "outage", "drill");
      proxy.resetCount();
      proxy.cutAfterBytes(fullTraffic / 2);
      assertThrows(RuntimeException.class, () -> routing.failover().run(op.id(), Instant.MAX));
      assertTrue(proxy.isCut(), "the outage happened during the migration");

      // Whole batches only, and the checkpoint agrees with what moved.
      Map<String, Long> counts = regionCounts(direct);
      long moved = counts.getOrDefault("ASIA", 0L);
      assertEquals(0, moved % 500, "batches are atomic: " + counts);
      assertTrue(moved > 0 && moved < EU_USERS, "the outage hit mid-way: " + counts);
      var checkpoint =
          Firestores.await(direct.collection(FailoverMigrator.OPERATIONS).document(op.id()).get());
      long checkpointed =
          Firestores.await(checkpoint.getReference().collection("partitions").get())
              .getDocuments()
              .stream()
              .mapToLong(p -> p.getLong("moved"))
              .sum();
      assertEquals(moved, checkpointed, "the partitions' checkpoints agree with the pins");
      assertEquals(FailoverOperation.RUNNING, checkpoint.getString("status"));

      // Firestore is back. The retry lands on a fresh instance, as a retried request does: the cut
      // instance's gRPC channel may sit in its reconnect backoff (up to 2 minutes) for a while.
      proxy.restore();
      FailoverOperation done;
      try (TestBed resumed =
          bed.sibling(
              b ->
                  b.firestore(
                      Emulators.firestore(proxy.address(), direct.getOptions().getProjectId())))) {
        done = resumed.root.routing().failover().run(op.id(), Instant.MAX);
      }
      assertEquals(FailoverOperation.COMPLETED, done.status());
      assertEquals(EU_USERS, done.moved());
      assertEquals(Map.of("ASIA", (long) EU_USERS, "US", 100L), regionCounts(direct));
    }
  }
}

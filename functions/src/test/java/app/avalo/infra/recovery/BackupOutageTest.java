package app.avalo.infra.recovery;

import static app.avalo.infra.recovery.RecoveryFixtures.json;
import static app.avalo.infra.recovery.RecoveryFixtures.objects;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWalletOk;
import static app.avalo.infra.recovery.RecoveryFixtures.via;
import static app.avalo.infra.recovery.RecoveryFixtures.wallet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TcpProxy;
import app.avalo.infra.testing.TestBed;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Firestore emulator goes away in the middle of a backup (a loopback proxy in front of it is
 * cut part-way through): the job fails, nothing of the half-written backup is ever used, the
 * previous backup still serves recoveries, and once Firestore is back the next delivery for the
 * same scheduled time writes the backup whole.
 */
class BackupOutageTest {
  @RegisterExtension final TestBed bed = RecoveryFixtures.bed("2026-04-01T10:00:00Z").build();

  @Test
  void firestoreLostMidBackupFailsCleanlyAndTheNextRunCompletes() throws Exception {
    for (int i = 0; i < 60; i++) {
      wallet(bed, "outage-" + i, 100 + i, 20);
    }
    try (TcpProxy proxy = new TcpProxy(Emulators.firestoreHost())) {
      TestBed viaProxy = via(bed, proxy.address());
      // A full backup through the proxy: the previous good backup, and how much traffic one takes.
      Instant first = Instant.parse("2026-04-01T10:00:00Z");
      FakeExchange.Response ok =
          bed.runJob(new CreateHourlyBackup(viaProxy.platform, viaProxy.root.recovery()), first);
      assertEquals(200, ok.status(), ok.body());
      String previous = ok.json().getAsJsonObject("summary").get("backupId").getAsString();
      long fullTraffic = proxy.bytes();
      assertTrue(fullTraffic > 10_000, "a backup moves real data: " + fullTraffic);

      Instant failedAt = Instant.parse("2026-04-01T11:00:00Z");
      bed.clock.set(failedAt);
      proxy.resetCount();
      proxy.cutAfterBytes(fullTraffic / 2);
      FakeExchange.Response crash =
          bed.runJob(new CreateHourlyBackup(viaProxy.platform, viaProxy.root.recovery()), failedAt);
      assertTrue(proxy.isCut(), "the outage happened during the backup");
      assertEquals(500, crash.status(), crash.body());
      assertEquals("INTERNAL", crash.errorStatus());

      // Nothing partial is visible: no manifest, and recovery keeps using the previous backup.
      BackupId partial = BackupId.of(BackupTier.HOURLY, failedAt);
      assertFalse(objects(bed, partial.prefix()).contains(partial.manifestObject()));
      var latest = recoverWalletOk(bed, json("userId", "outage-7", "dryRun", true));
      assertEquals(previous, latest.getAsJsonObject("source").get("id").getAsString());
      assertNotEquals(partial.toString(), latest.getAsJsonObject("source").get("id").getAsString());

      // Firestore is back; Cloud Scheduler retries the same scheduled time after the dead run's
      // lease expired.
      proxy.restore();
      awaitReachable(viaProxy.platform);
      bed.clock.advance(Duration.ofMinutes(31));
      FakeExchange.Response retry =
          bed.runJob(new CreateHourlyBackup(viaProxy.platform, viaProxy.root.recovery()), failedAt);
      assertEquals(200, retry.status(), retry.body());
      assertEquals("succeeded", retry.json().get("outcome").getAsString(), retry.body());
      assertEquals(
          partial.toString(),
          retry.json().getAsJsonObject("summary").get("backupId").getAsString());
      assertTrue(objects(bed, partial.prefix()).contains(partial.manifestObject()));
      var restored =
          recoverWalletOk(
              bed, json("userId", "outage-7", "backupId", partial.toString(), "dryRun", true));
      assertEquals(partial.toString(), restored.getAsJsonObject("source").get("id").getAsString());
    }
  }

  /** Cloud Scheduler retries after backing off; by then the client's channel has reconnected. */
  private static void awaitReachable(Platform app) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        Firestores.await(app.firestore().collection("wallet").limit(1).get());
        return;
      } catch (RuntimeException stillDown) {
        if (System.nanoTime() > deadline) {
          throw stillDown;
        }
        Thread.sleep(250);
      }
    }
  }
}

package app.avalo.infra.recovery;

import static app.avalo.infra.recovery.RecoveryFixtures.json;
import static app.avalo.infra.recovery.RecoveryFixtures.objects;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWalletOk;
import static app.avalo.infra.recovery.RecoveryFixtures.wallet;
import static app.avalo.infra.recovery.RecoveryFixtures.walletState;
import static app.avalo.infra.recovery.RecoveryFixtures.withSink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Status;
import app.avalo.infra.testing.TestBed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A backup run that timed out but kept going (a zombie) while its retry rewrote the same backup:
 * the zombie is fenced off by the retry's newer lease generation and cannot overwrite it.
 */
class BackupFencingTest {
  @RegisterExtension final TestBed bed = RecoveryFixtures.bed("2026-03-01T10:00:00Z").build();

  private static RunControl control(long fencingToken) {
    return new RunControl() {
      @Override
      public Duration remaining() {
        return Duration.ofMinutes(9);
      }

      @Override
      public long fencingToken() {
        return fencingToken;
      }

      @Override
      public void progress(String key, Object value) {}
    };
  }

  @Test
  void aZombieRunIsFencedAndTheRetrysBackupStaysIntact() throws Exception {
    wallet(bed, "u1", 700, 5);
    Map<String, Map<String, Object>> original = walletState(bed, "u1");
    Instant scheduledFor = bed.clock.instant();
    BackupId id = BackupId.of(BackupTier.HOURLY, scheduledFor);
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    // The zombie stalls inside its first shard upload, as an instance past its timeout might.
    UnaryOperator<ShardSink> stall =
        real ->
            (object, storageClass, contentType) -> {
              stalled.countDown();
              try {
                resume.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
              }
              return real.create(object, storageClass, contentType);
            };
    TestBed zombieBed = withSink(bed, stall);
    CompletableFuture<BackupRunSummary> zombie =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return zombieBed
                    .root
                    .recovery()
                    .backups()
                    .run(BackupTier.HOURLY, scheduledFor, control(1));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertTrue(stalled.await(30, TimeUnit.SECONDS), "the zombie never started writing");

    // Its retry (the next lease generation) writes the whole backup meanwhile.
    BackupRunSummary retry =
        bed.root.recovery().backups().run(BackupTier.HOURLY, scheduledFor, control(2));
    assertEquals("verified", ((BackupRunSummary.Written) retry).status());
    byte[] manifestBefore = RecoveryFixtures.read(bed, id.manifestObject());
    Firestores.await(bed.db.collection("wallet").document("u1").update("balance", 1L));

    resume.countDown();
    ExecutionException stopped = assertThrows(ExecutionException.class, zombie::get);
    ApiException fenced = (ApiException) stopped.getCause();
    assertEquals(Status.ABORTED, fenced.status(), fenced.getMessage());
    assertTrue(BackupFence.isFenced(fenced), fenced.getMessage());

    // The retry's backup is untouched: same manifest, still verified, and it restores.
    assertTrue(
        java.util.Arrays.equals(manifestBefore, RecoveryFixtures.read(bed, id.manifestObject())),
        "the retry's manifest was overwritten");
    assertEquals(BackupState.VERIFIED, bed.root.recovery().catalog().get(id).orElseThrow().state());
    List<String> zombieObjects = objects(bed, id.prefix() + "g1/");
    assertEquals(List.of(), zombieObjects, "the zombie committed a shard");
    recoverWalletOk(bed, json("userId", "u1", "backupId", id.toString()));
    assertEquals(original, walletState(bed, "u1"));

    // A stale run that starts only now finds the backup complete, and its fence is refused.
    assertTrue(
        bed.root.recovery().backups().run(BackupTier.HOURLY, scheduledFor, control(1))
            instanceof BackupRunSummary.AlreadyComplete);
    ApiException late = assertThrows(ApiException.class, () -> new BackupFence(bed.db).take(id, 1));
    assertTrue(BackupFence.isFenced(late), late.getMessage());
    assertTrue(
        java.util.Arrays.equals(manifestBefore, RecoveryFixtures.read(bed, id.manifestObject())));
  }
}

package app.avalo.infra.recovery;

import static app.avalo.infra.recovery.RecoveryFixtures.hourlyBackupNow;
import static app.avalo.infra.recovery.RecoveryFixtures.json;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWallet;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWalletOk;
import static app.avalo.infra.recovery.RecoveryFixtures.wallet;
import static app.avalo.infra.recovery.RecoveryFixtures.walletState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentReference;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code asOf}: the entity as Firestore had it at a past time (point-in-time recovery, read on the
 * emulator from its version history), the backups beyond the window, and Firestore's read-time
 * rule. The bed's clock starts at the real time, as the emulator's version history is kept in real
 * time.
 */
class PointInTimeRecoveryTest {
  @RegisterExtension final TestBed bed = RecoveryFixtures.bed(Instant.now().toString()).build();

  /** A wallet, then tampered with. */
  private void walletThenTampered(String userId) {
    wallet(bed, userId, 500, 3);
    DocumentReference root = bed.db.collection("wallet").document(userId);
    Firestores.await(root.update("balance", 1_000_000L));
    Firestores.await(
        bed.db.collection("walletTransactions").document(userId + "-tx-0001").delete());
    Firestores.await(
        bed.db
            .collection("walletTransactions")
            .document(userId + "-forged")
            .set(Map.of("userId", userId, "amount", 999_999L)));
  }

  @Test
  void aWalletIsRestoredToAPastTimeFromFirestoreWithoutAnyBackup() throws Exception {
    wallet(bed, "u1", 500, 3);
    Map<String, Map<String, Object>> original = walletState(bed, "u1");
    Instant then = Instant.now();
    Thread.sleep(5);
    Firestores.await(bed.db.collection("wallet").document("u1").update("balance", 1L));
    Firestores.await(bed.db.collection("walletTransactions").document("u1-tx-0002").delete());
    bed.clock.set(Instant.now());

    JsonObject result = recoverWalletOk(bed, json("userId", "u1", "asOf", then.toString()));

    JsonObject source = result.getAsJsonObject("source");
    assertEquals("pitr", source.get("type").getAsString(), result.toString());
    assertEquals(then.toString(), source.get("asOf").getAsString());
    assertEquals(original, walletState(bed, "u1"));
    assertEquals(2, result.getAsJsonObject("restore").get("writes").getAsInt(), result.toString());
  }

  @Test
  void aWalletIsRestoredToAPastWholeMinuteOlderThanAnHour() throws Exception {
    wallet(bed, "u2", 500, 3);
    Map<String, Map<String, Object>> original = walletState(bed, "u2");
    // A whole minute between the wallet's state and its tampering (waits for the next minute).
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), minute).toMillis() + 50));
    Firestores.await(bed.db.collection("wallet").document("u2").update("balance", 7L));
    Firestores.await(
        bed.db
            .collection("walletTransactions")
            .document("u2-forged")
            .set(Map.of("userId", "u2", "amount", 5L)));
    // Two hours later (the emulator's own history does not age): asOf must be a whole minute.
    bed.clock.set(Instant.now().plus(Duration.ofHours(2)));

    long writes = Emulators.firestoreWriteCount();
    FakeExchange.Response refused =
        recoverWallet(bed, json("userId", "u2", "asOf", minute.plusMillis(1500).toString()));
    assertEquals("INVALID_ARGUMENT", refused.errorStatus(), refused.body());
    assertEquals("asOf", field(refused), refused.body());
    assertTrue(refused.body().contains("whole minute"), refused.body());
    assertEquals(writes, Emulators.firestoreWriteCount(), "a refused asOf wrote something");

    JsonObject result = recoverWalletOk(bed, json("userId", "u2", "asOf", minute.toString()));
    assertEquals("pitr", result.getAsJsonObject("source").get("type").getAsString());
    assertEquals(original, walletState(bed, "u2"));
  }

  @Test
  void beyondTheWindowTheNewestBackupAtOrBeforeAsOfIsUsed() throws Exception {
    walletThenTampered("u3");
    bed.clock.set(Instant.now());
    String backupId = hourlyBackupNow(bed); // holds the tampered state
    bed.clock.advance(Duration.ofDays(8));
    Instant asOf = bed.clock.instant().minus(Duration.ofDays(8)).truncatedTo(ChronoUnit.MINUTES);
    asOf = asOf.plus(Duration.ofMinutes(1));

    JsonObject result =
        recoverWalletOk(bed, json("userId", "u3", "asOf", asOf.toString(), "dryRun", true));

    JsonObject source = result.getAsJsonObject("source");
    assertEquals("backup", source.get("type").getAsString(), result.toString());
    assertEquals(backupId, source.get("id").getAsString());
    assertTrue(source.get("why").getAsString().contains("older than the point-in-time window"));

    // Before the oldest backup there is nothing to recover from: said so, nothing written.
    FakeExchange.Response none =
        recoverWallet(
            bed,
            json(
                "userId",
                "u3",
                "asOf",
                asOf.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES).toString()));
    assertEquals("FAILED_PRECONDITION", none.errorStatus(), none.body());
  }

  @Test
  void withPitrDisabledAsOfAlwaysUsesTheBackups() throws Exception {
    TestBed off = bed.sibling(b -> b.env("RECOVERY_PITR_ENABLED", "false"));
    walletThenTampered("u4");
    off.clock.set(Instant.now());
    String backupId = hourlyBackupNow(off);
    off.clock.advance(Duration.ofSeconds(30));

    JsonObject result =
        recoverWalletOk(
            off, json("userId", "u4", "asOf", off.clock.instant().toString(), "dryRun", true));

    assertEquals("backup", result.getAsJsonObject("source").get("type").getAsString());
    assertEquals(backupId, result.getAsJsonObject("source").get("id").getAsString());
  }

  @Test
  void aBadAsOfIsRefusedNamingItAndWritesNothing() throws Exception {
    wallet(bed, "u5", 1, 1);
    bed.clock.set(Instant.now());
    Instant now = bed.clock.instant();
    for (String data :
        List.of(
            json("userId", "u5", "asOf", "yesterday"),
            json("userId", "u5", "asOf", now.plus(Duration.ofMinutes(5)).toString()),
            json("userId", "u5", "asOf", now.minus(Duration.ofHours(3)).plusMillis(1).toString()),
            json(
                "userId",
                "u5",
                "asOf",
                now.minusSeconds(10).toString(),
                "backupId",
                "hourly-20260131T140000Z"))) {
      long writes = Emulators.firestoreWriteCount();
      FakeExchange.Response response = recoverWallet(bed, data);
      assertEquals("INVALID_ARGUMENT", response.errorStatus(), data + " → " + response.body());
      assertEquals("asOf", field(response), data);
      assertEquals(writes, Emulators.firestoreWriteCount(), data + " wrote something");
    }
  }

  private static String field(FakeExchange.Response response) {
    return response
        .json()
        .getAsJsonObject("error")
        .getAsJsonObject("details")
        .get("field")
        .getAsString();
  }
}

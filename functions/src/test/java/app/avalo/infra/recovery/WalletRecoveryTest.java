package app.avalo.infra.recovery;

import static app.avalo.infra.recovery.RecoveryFixtures.hourlyBackupNow;
import static app.avalo.infra.recovery.RecoveryFixtures.json;
import static app.avalo.infra.recovery.RecoveryFixtures.objects;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWallet;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWalletOk;
import static app.avalo.infra.recovery.RecoveryFixtures.wallet;
import static app.avalo.infra.recovery.RecoveryFixtures.walletState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backup → damage → recoverWallet, through the functions, on the emulator and an in-memory bucket.
 */
class WalletRecoveryTest {
  @RegisterExtension final TestBed bed = RecoveryFixtures.bed("2026-03-01T10:00:00Z").build();

  @Test
  void everyValueTypeSurvivesBackupAndRestoreBitExactly() throws Exception {
    Map<String, Object> wallet = BitExact.everyStorableType(bed.db);
    Map<String, Object> tx = new LinkedHashMap<>(BitExact.everyStorableType(bed.db));
    Firestores.await(bed.db.collection("wallet").document("u-every").set(wallet));
    Firestores.await(bed.db.collection("walletTransactions").document("tx-every").set(tx));
    // What the emulator gives back is the reference: the restore must reproduce exactly that.
    Map<String, Object> walletBefore =
        Firestores.await(bed.db.collection("wallet").document("u-every").get()).getData();
    Map<String, Object> txBefore =
        Firestores.await(bed.db.collection("walletTransactions").document("tx-every").get())
            .getData();
    BitExact.assertSameDocument(wallet, walletBefore);
    hourlyBackupNow(bed);

    Firestores.await(
        bed.db
            .collection("wallet")
            .document("u-every")
            .set(Map.of("userId", "u-every", "balance", 0L)));
    Firestores.await(bed.db.collection("walletTransactions").document("tx-every").delete());
    JsonObject result = recoverWalletOk(bed, json("userId", "u-every"));

    assertEquals("restored", result.get("status").getAsString());
    BitExact.assertSameDocument(
        walletBefore,
        Firestores.await(bed.db.collection("wallet").document("u-every").get()).getData());
    BitExact.assertSameDocument(
        txBefore,
        Firestores.await(bed.db.collection("walletTransactions").document("tx-every").get())
            .getData());
  }

  @Test
  void recoveryRestoresTheWalletAndItsTransactionsAndReportsTheDiff() throws Exception {
    wallet(bed, "alice", 10_000, 5);
    wallet(bed, "bob", 500, 3);
    Map<String, Map<String, Object>> aliceBefore = walletState(bed, "alice");
    Map<String, Map<String, Object>> bobBefore = walletState(bed, "bob");
    String backupId = hourlyBackupNow(bed);

    Firestores.await(bed.db.collection("wallet").document("alice").update("balance", 1L));
    Firestores.await(bed.db.collection("walletTransactions").document("alice-tx-0001").delete());
    Firestores.await(
        bed.db
            .collection("walletTransactions")
            .document("alice-tx-late")
            .set(Map.of("userId", "alice", "amount", 9_999L)));
    Firestores.await(bed.db.collection("wallet").document("bob").update("balance", 2L));
    bed.clock.advance(Duration.ofMinutes(5));

    JsonObject result = recoverWalletOk(bed, json("userId", "alice"));

    assertEquals(backupId, result.getAsJsonObject("source").get("id").getAsString());
    JsonObject summary = result.getAsJsonObject("summary");
    assertEquals(1, summary.get("added").getAsInt());
    assertEquals(1, summary.get("changed").getAsInt());
    assertEquals(1, summary.get("removed").getAsInt());
    assertEquals(4, summary.get("unchanged").getAsInt());
    assertEquals("atomic", result.getAsJsonObject("restore").get("mode").getAsString());
    assertEquals(30_000, result.get("slaMs").getAsLong());
    assertTrue(result.get("elapsedMs").getAsLong() >= 0);
    String changed = result.getAsJsonArray("changes").toString();
    assertTrue(changed.contains("\"fields\":[\"balance\"]"), changed);
    assertEquals(aliceBefore.keySet(), walletState(bed, "alice").keySet());
    aliceBefore.forEach(
        (path, fields) -> BitExact.assertSameDocument(fields, walletState(bed, "alice").get(path)));
    assertEquals(
        2L,
        walletState(bed, "bob").get("wallet/bob").get("balance"),
        "another wallet is untouched");
    assertFalse(bobBefore.isEmpty());
  }

  @Test
  void dryRunShowsTheDiffAndWritesNothing() throws Exception {
    wallet(bed, "carol", 700, 2);
    hourlyBackupNow(bed);
    Firestores.await(bed.db.collection("wallet").document("carol").update("balance", 1L));
    long writesBefore = Emulators.firestoreWriteCount();

    JsonObject result = recoverWalletOk(bed, json("userId", "carol", "dryRun", true));

    // The one write is the platform's audit record of the call (every admin action has one).
    assertEquals(
        writesBefore + 1,
        Emulators.firestoreWriteCount(),
        "a dry run writes nothing but its audit record");
    assertEquals(
        1,
        Firestores.await(
                bed.db.collection("adminAuditLog").whereEqualTo("action", "recoverWallet").get())
            .size());
    assertEquals("dry-run", result.get("status").getAsString());
    assertEquals(1, result.getAsJsonObject("summary").get("changed").getAsInt());
    assertFalse(result.has("archive"), "nothing archived");
    assertEquals(1L, walletState(bed, "carol").get("wallet/carol").get("balance"));
    assertTrue(objects(bed, RecoveryArchives.OBJECT_PREFIX).isEmpty());
  }

  @Test
  void theArchiveTakenFirstUndoesTheRecovery() throws Exception {
    wallet(bed, "dave", 300, 2);
    hourlyBackupNow(bed);
    Firestores.await(bed.db.collection("wallet").document("dave").update("balance", 999L));
    Firestores.await(
        bed.db
            .collection("walletTransactions")
            .document("dave-tx-new")
            .set(Map.of("userId", "dave", "amount", 1L)));
    Map<String, Map<String, Object>> damaged = walletState(bed, "dave");

    JsonObject recovery = recoverWalletOk(bed, json("userId", "dave"));
    String archiveId = recovery.getAsJsonObject("archive").get("archiveId").getAsString();
    assertEquals(
        4,
        recovery.getAsJsonObject("archive").get("documents").getAsInt(),
        "wallet, 2 transactions, the new one");
    DocumentSnapshot record =
        Firestores.await(bed.db.collection("recoveryArchives").document(archiveId).get());
    assertEquals("restored", record.getString("status"));
    assertEquals(
        TestBed.admin().uid() + " <" + TestBed.admin().email() + ">", record.getString("actor"));
    assertEquals(300L, walletState(bed, "dave").get("wallet/dave").get("balance"));

    JsonObject undo = recoverWalletOk(bed, json("userId", "dave", "archiveId", archiveId));

    assertEquals("archive", undo.getAsJsonObject("source").get("type").getAsString());
    Map<String, Map<String, Object>> after = walletState(bed, "dave");
    assertEquals(damaged.keySet(), after.keySet());
    damaged.forEach((path, fields) -> BitExact.assertSameDocument(fields, after.get(path)));
  }

  @Test
  void anArchiveOnlyRestoresTheEntityItWasTakenFrom() throws Exception {
    wallet(bed, "erin", 100, 1);
    wallet(bed, "frank", 100, 1);
    hourlyBackupNow(bed);
    String archiveId =
        recoverWalletOk(bed, json("userId", "erin"))
            .getAsJsonObject("archive")
            .get("archiveId")
            .getAsString();
    FakeExchange.Response response =
        recoverWallet(bed, json("userId", "frank", "archiveId", archiveId));
    assertEquals("FAILED_PRECONDITION", response.errorStatus(), response.body());
  }

  @Test
  void aWalletWithMoreChangesThanOneCommitIsRestoredInOrderedChunks() throws Exception {
    wallet(bed, "gina", 5_000, 650);
    Map<String, Map<String, Object>> before = walletState(bed, "gina");
    hourlyBackupNow(bed);
    var batch = bed.db.batch();
    int n = 0;
    for (String path : before.keySet()) {
      batch.update(bed.db.document(path), "amount", -1L);
      if (++n % 400 == 0) {
        Firestores.await(batch.commit());
        batch = bed.db.batch();
      }
    }
    Firestores.await(batch.commit());

    JsonObject result = recoverWalletOk(bed, json("userId", "gina"));

    JsonObject restore = result.getAsJsonObject("restore");
    assertEquals("chunked", restore.get("mode").getAsString());
    assertEquals(651, restore.get("writes").getAsInt());
    assertEquals(2, restore.get("commits").getAsInt());
    assertEquals(651, result.getAsJsonObject("summary").get("changed").getAsInt());
    assertTrue(result.get("changesTruncated").getAsBoolean() == false);
    Map<String, Map<String, Object>> after = walletState(bed, "gina");
    assertEquals(before.keySet(), after.keySet());
    before.forEach((path, fields) -> BitExact.assertSameDocument(fields, after.get(path)));
    String archiveId = result.getAsJsonObject("archive").get("archiveId").getAsString();
    DocumentSnapshot record =
        Firestores.await(bed.db.collection("recoveryArchives").document(archiveId).get());
    assertEquals(2L, record.getLong("commitsDone"));
    assertEquals("restored", record.getString("status"));
  }

  @Test
  void anEditMadeDuringAChunkedRestoreIsArchivedBeforeItIsOverwritten() throws Exception {
    wallet(bed, "hugo", 5_000, 650);
    Map<String, Map<String, Object>> before = walletState(bed, "hugo");
    hourlyBackupNow(bed);
    var batch = bed.db.batch();
    int n = 0;
    for (String path : before.keySet()) {
      batch.update(bed.db.document(path), "amount", -1L);
      if (++n % 400 == 0) {
        Firestores.await(batch.commit());
        batch = bed.db.batch();
      }
    }
    Firestores.await(batch.commit());
    // Between the first and the last commit, someone writes the wallet (in the last chunk).
    java.util.concurrent.atomic.AtomicBoolean edited =
        new java.util.concurrent.atomic.AtomicBoolean();
    TestBed editing =
        bed.sibling(
            b ->
                b.recovery(
                    new RecoveryModule.Adapters(
                        java.util.function.UnaryOperator.identity(),
                        System::nanoTime,
                        commit -> {
                          if (commit == 1 && edited.compareAndSet(false, true)) {
                            Firestores.await(
                                bed.db
                                    .collection("wallet")
                                    .document("hugo")
                                    .update("amount", 4242L));
                          }
                        })));

    JsonObject result = recoverWalletOk(editing, json("userId", "hugo"));

    assertTrue(edited.get());
    assertEquals("chunked", result.getAsJsonObject("restore").get("mode").getAsString());
    Map<String, Map<String, Object>> after = walletState(bed, "hugo");
    before.forEach((path, fields) -> BitExact.assertSameDocument(fields, after.get(path)));
    String archiveId = result.getAsJsonObject("archive").get("archiveId").getAsString();
    DocumentSnapshot record =
        Firestores.await(bed.db.collection("recoveryArchives").document(archiveId).get());
    assertEquals("restored", record.getString("status"));
    assertEquals(1L, record.getLong("concurrentEditCount"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> edits = (List<Map<String, Object>>) record.get("concurrentEdits");
    assertEquals(List.of("wallet/hugo"), edits.get(0).get("paths"));
    byte[] archived = RecoveryFixtures.read(bed, (String) edits.get(0).get("object"));
    String lines =
        new String(
            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(archived))
                .readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(lines.contains("4242"), lines);
  }

  @Test
  void aNamedBackupIsUsedInsteadOfTheLatest() throws Exception {
    wallet(bed, "hank", 100, 1);
    String first = hourlyBackupNow(bed);
    Firestores.await(bed.db.collection("wallet").document("hank").update("balance", 200L));
    bed.clock.advance(Duration.ofHours(1));
    String second = hourlyBackupNow(bed);
    Firestores.await(bed.db.collection("wallet").document("hank").update("balance", 300L));

    JsonObject latest = recoverWalletOk(bed, json("userId", "hank", "dryRun", true));
    assertEquals(second, latest.getAsJsonObject("source").get("id").getAsString());
    recoverWalletOk(bed, json("userId", "hank", "backupId", first));
    assertEquals(100L, walletState(bed, "hank").get("wallet/hank").get("balance"));
  }

  @Test
  void aWalletMissingFromTheBackupIsRemovedWithItsTransactions() throws Exception {
    hourlyBackupNow(bed);
    wallet(bed, "ivy", 100, 2);

    JsonObject result = recoverWalletOk(bed, json("userId", "ivy"));

    assertEquals(3, result.getAsJsonObject("summary").get("removed").getAsInt());
    assertTrue(walletState(bed, "ivy").isEmpty());
    assertEquals(List.of(), List.copyOf(walletState(bed, "ivy").keySet()));
  }
}

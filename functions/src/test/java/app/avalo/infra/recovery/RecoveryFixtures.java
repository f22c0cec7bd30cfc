package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.WriteBatch;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The recovery domain's setup on a {@link TestBed}: a bed with its own bucket, backups run as Cloud
 * Scheduler runs them, wallets to back up, and looks into Firestore and the bucket.
 */
final class RecoveryFixtures {
  static final String BUCKET = "avalo-test-backups";

  private RecoveryFixtures() {}

  /**
   * A bed at {@code now} with a bucket store of its own (no other test's objects) as the bucket.
   */
  static TestBed.Builder bed(String now) {
    return TestBed.builder()
        .at(now)
        .storage(LocalStorageHelper.customOptions(false).getService())
        .env("BACKUP_BUCKET", BUCKET);
  }

  /** Another instance on the same Firestore, bucket and clock, writing through a decorated sink. */
  static TestBed withSink(TestBed bed, UnaryOperator<ShardSink> sinkDecorator) {
    return withAdapters(bed, sinkDecorator, System::nanoTime);
  }

  /** … and measuring elapsed time with {@code nanoTime}. */
  static TestBed withAdapters(
      TestBed bed, UnaryOperator<ShardSink> sinkDecorator, LongSupplier nanoTime) {
    return bed.sibling(b -> b.recovery(new RecoveryModule.Adapters(sinkDecorator, nanoTime)));
  }

  /** Another instance whose Firestore traffic goes through {@code emulatorHost} (e.g. a proxy). */
  static TestBed via(TestBed bed, String emulatorHost) {
    Firestore via = Emulators.firestore(emulatorHost, bed.db.getOptions().getProjectId());
    return bed.sibling(b -> b.firestore(via));
  }

  // ---- calling functions ----

  /** A JSON object of the given keys and values, in order: {@code json("userId", "u1")}. */
  static String json(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values come in pairs");
    }
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      object.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return Json.write(object);
  }

  /** Runs a backup job for {@code scheduledFor}, insisting on 200; returns the JSON answer. */
  static JsonObject backup(
      TestBed bed, BiFunction<Platform, RecoveryModule, ScheduledJob> job, Instant scheduledFor)
      throws Exception {
    FakeExchange.Response response =
        bed.runJob(job.apply(bed.platform, bed.root.recovery()), scheduledFor);
    assertEquals(200, response.status(), response.body());
    return response.json();
  }

  /** An hourly backup at the clock's current time; returns its id. */
  static String hourlyBackupNow(TestBed bed) throws Exception {
    JsonObject answer = backup(bed, CreateHourlyBackup::new, bed.clock.instant());
    assertEquals("succeeded", answer.get("outcome").getAsString(), answer.toString());
    return answer.getAsJsonObject("summary").get("backupId").getAsString();
  }

  static FakeExchange.Response recoverWallet(TestBed bed, String data) throws Exception {
    return bed.callAsAdmin(new RecoverWallet(bed.platform, bed.root.recovery()), data);
  }

  /** recoverWallet as the admin, insisting on 200; returns {@code result}. */
  static JsonObject recoverWalletOk(TestBed bed, String data) throws Exception {
    return bed.callAsAdminOk(new RecoverWallet(bed.platform, bed.root.recovery()), data)
        .getAsJsonObject();
  }

  // ---- data ----

  /** A wallet with {@code transactions} transactions {@code {userId}-tx-{i}}. */
  static void wallet(TestBed bed, String userId, long balance, int transactions) {
    Firestore db = bed.db;
    WriteBatch batch = db.batch();
    int inBatch = 0;
    batch.set(
        db.collection("wallet").document(userId),
        Map.of(
            "userId",
            userId,
            "balance",
            balance,
            "currency",
            "PLN",
            "updatedAt",
            Timestamp.ofTimeSecondsAndNanos(1_780_000_000L, 0)));
    for (int i = 0; i < transactions; i++) {
      Map<String, Object> tx = new LinkedHashMap<>();
      tx.put("userId", userId);
      tx.put("amount", (long) (i + 1) * 100);
      tx.put("type", i % 2 == 0 ? "credit" : "debit");
      tx.put("createdAt", Timestamp.ofTimeSecondsAndNanos(1_780_000_000L + i, i));
      batch.set(
          db.collection("walletTransactions").document(String.format("%s-tx-%04d", userId, i)), tx);
      if (++inBatch == 400) {
        Firestores.await(batch.commit());
        batch = db.batch();
        inBatch = 0;
      }
    }
    Firestores.await(batch.commit());
  }

  /** Every document of a collection by id, as the Java client returns them. */
  static Map<String, Map<String, Object>> collection(TestBed bed, String name) {
    Map<String, Map<String, Object>> docs = new LinkedHashMap<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(bed.db.collection(name).get()).getDocuments()) {
      docs.put(doc.getId(), doc.getData());
    }
    return docs;
  }

  /** The wallet and its transactions by path ({@code wallet/u1}, {@code walletTransactions/…}). */
  static Map<String, Map<String, Object>> walletState(TestBed bed, String userId) {
    Map<String, Map<String, Object>> state = new LinkedHashMap<>();
    var wallet = Firestores.await(bed.db.collection("wallet").document(userId).get());
    if (wallet.exists()) {
      state.put("wallet/" + userId, wallet.getData());
    }
    for (QueryDocumentSnapshot doc :
        Firestores.await(
                bed.db.collection("walletTransactions").whereEqualTo("userId", userId).get())
            .getDocuments()) {
      state.put("walletTransactions/" + doc.getId(), doc.getData());
    }
    return state;
  }

  /** How many documents a collection holds. */
  static int size(TestBed bed, String collection) {
    return Firestores.await(bed.db.collection(collection).get()).size();
  }

  // ---- the bucket ----

  static List<String> objects(TestBed bed, String prefix) {
    return bed.storage
        .list(BUCKET, Storage.BlobListOption.prefix(prefix))
        .streamAll()
        .map(b -> b.getName())
        .sorted()
        .toList();
  }

  static byte[] read(TestBed bed, String object) {
    return bed.storage.readAllBytes(BlobId.of(BUCKET, object));
  }

  static void overwrite(TestBed bed, String object, byte[] bytes) {
    bed.storage.create(BlobInfo.newBuilder(BlobId.of(BUCKET, object)).build(), bytes);
  }

  static Manifest manifest(TestBed bed, String backupId) {
    return Manifest.parse(read(bed, BackupId.parse(backupId).orElseThrow().manifestObject()));
  }
}

package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
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
 * A test world for the recovery domain: its own Firestore project on the emulator, its own
 * in-memory bucket (LocalStorageHelper), a clock the test moves, and Apps wired to them.
 */
final class RecoveryFixture {
  static final String BUCKET = "avalo-test-backups";
  private static AuthEmulator.User admin;

  final TestBed bed;
  final Firestore db;
  final Storage storage;
  final MutableClock clock;
  final Platform app;
  final RecoveryModule recovery;

  RecoveryFixture(String now, Map<String, String> extraEnv) {
    this.bed =
        TestBed.builder()
            .at(now)
            .storage(LocalStorageHelper.customOptions(false).getService())
            .env("BACKUP_BUCKET", BUCKET)
            .env(extraEnv)
            .build();
    this.db = bed.db;
    this.storage = bed.storage;
    this.clock = bed.clock;
    this.app = bed.platform;
    this.recovery = bed.root.recovery();
  }

  RecoveryFixture(String now) {
    this(now, Map.of());
  }

  /**
   * Another Platform on the same Firestore, bucket and clock, writing backups through a decorated
   * sink.
   */
  TestBed newApp(UnaryOperator<ShardSink> sinkDecorator) {
    return newApp(sinkDecorator, System::nanoTime);
  }

  /** … and measuring elapsed time with {@code nanoTime}. */
  TestBed newApp(UnaryOperator<ShardSink> sinkDecorator, LongSupplier nanoTime) {
    return bed.sibling(b -> b.recovery(new RecoveryModule.Adapters(sinkDecorator, nanoTime)));
  }

  /**
   * An Platform on the same project, bucket and clock whose Firestore traffic goes through {@code
   * emulatorHost}.
   */
  TestBed appVia(String emulatorHost) {
    Firestore via = Emulators.firestore(emulatorHost, db.getOptions().getProjectId());
    return bed.sibling(b -> b.firestore(via));
  }

  static synchronized AuthEmulator.User admin() {
    if (admin == null) {
      admin = AuthEmulator.newAdmin();
    }
    return admin;
  }

  // ---- calling functions ----

  /**
   * Runs a job as Cloud Scheduler would for {@code scheduledFor}; returns the plain JSON answer.
   */
  static FakeExchange.Response job(ScheduledJob job, Instant scheduledFor) throws Exception {
    return FakeExchange.post()
        .header(ScheduledJob.SCHEDULE_TIME_HEADER, scheduledFor.toString())
        .body("{}")
        .send(job);
  }

  JsonObject backup(BiFunction<Platform, RecoveryModule, ScheduledJob> job, Instant scheduledFor)
      throws Exception {
    FakeExchange.Response response = job(job.apply(app, recovery), scheduledFor);
    assertEquals(200, response.status(), response.body());
    return response.json();
  }

  /** An hourly backup at the clock's current time (moved on by a minute so each is distinct). */
  String hourlyBackupNow() throws Exception {
    Instant at = clock.instant();
    JsonObject answer = backup(CreateHourlyBackup::new, at);
    assertEquals("succeeded", answer.get("outcome").getAsString(), answer.toString());
    return answer.getAsJsonObject("summary").get("backupId").getAsString();
  }

  static FakeExchange.Response callAsAdmin(ApiFunction function, String dataJson) throws Exception {
    return FakeExchange.post().bearer(admin().idToken()).data(dataJson).send(function);
  }

  FakeExchange.Response recoverWallet(String dataJson) throws Exception {
    return callAsAdmin(new RecoverWallet(app, recovery), dataJson);
  }

  static JsonObject ok(FakeExchange.Response response) {
    assertEquals(200, response.status(), response.body());
    return response.result().getAsJsonObject();
  }

  // ---- data ----

  /** A wallet with {@code transactions} transactions {@code {userId}-tx-{i}}. */
  void wallet(String userId, long balance, int transactions) {
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
  Map<String, Map<String, Object>> collection(String name) {
    Map<String, Map<String, Object>> docs = new LinkedHashMap<>();
    for (QueryDocumentSnapshot doc : Firestores.await(db.collection(name).get()).getDocuments()) {
      docs.put(doc.getId(), doc.getData());
    }
    return docs;
  }

  Map<String, Map<String, Object>> walletState(String userId) {
    Map<String, Map<String, Object>> state = new LinkedHashMap<>();
    var wallet = Firestores.await(db.collection("wallet").document(userId).get());
    if (wallet.exists()) {
      state.put("wallet/" + userId, wallet.getData());
    }
    for (QueryDocumentSnapshot doc :
        Firestores.await(db.collection("walletTransactions").whereEqualTo("userId", userId).get())
            .getDocuments()) {
      state.put("walletTransactions/" + doc.getId(), doc.getData());
    }
    return state;
  }

  // ---- the bucket ----

  List<String> objects(String prefix) {
    return storage
        .list(BUCKET, Storage.BlobListOption.prefix(prefix))
        .streamAll()
        .map(b -> b.getName())
        .sorted()
        .toList();
  }

  byte[] read(String object) {
    return storage.readAllBytes(BlobId.of(BUCKET, object));
  }

  void overwrite(String object, byte[] bytes) {
    storage.create(BlobInfo.newBuilder(BlobId.of(BUCKET, object)).build(), bytes);
  }

  Manifest manifest(String backupId) {
    return Manifest.parse(read(BackupId.parse(backupId).orElseThrow().manifestObject()));
  }
}

package app.avalo.infra.recovery;

import static app.avalo.infra.recovery.RecoveryFixtures.backup;
import static app.avalo.infra.recovery.RecoveryFixtures.hourlyBackupNow;
import static app.avalo.infra.recovery.RecoveryFixtures.json;
import static app.avalo.infra.recovery.RecoveryFixtures.manifest;
import static app.avalo.infra.recovery.RecoveryFixtures.objects;
import static app.avalo.infra.recovery.RecoveryFixtures.overwrite;
import static app.avalo.infra.recovery.RecoveryFixtures.read;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWallet;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWalletOk;
import static app.avalo.infra.recovery.RecoveryFixtures.wallet;
import static app.avalo.infra.recovery.RecoveryFixtures.walletState;
import static app.avalo.infra.recovery.RecoveryFixtures.withSink;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A backup killed part-way and a backup damaged in the bucket: neither is ever used. */
class BackupFaultsTest {
  @RegisterExtension final TestBed bed = RecoveryFixtures.bed("2026-03-01T10:00:00Z").build();

  /** A sink that dies (like a crashed instance) when asked for shard number {@code shards + 1}. */
  private static UnaryOperator<ShardSink> dieAfter(int shards, AtomicInteger created) {
    return real ->
        (object, storageClass, contentType) -> {
          if (created.incrementAndGet() > shards) {
            throw new IOException("injected: the instance died after " + shards + " shards");
          }
          return real.create(object, storageClass, contentType);
        };
  }

  private Map<String, byte[]> snapshotObjects(String prefix) {
    Map<String, byte[]> objects = new LinkedHashMap<>();
    objects(bed, prefix).forEach(o -> objects.put(o, read(bed, o)));
    return objects;
  }

  /**
   * A sink that moves {@code clock} on by {@code by} when asked for its second shard (the second
   * collection).
   */
  private static UnaryOperator<ShardSink> clockJumpAtSecondShard(
      MutableClock clock, Duration by, AtomicInteger created) {
    return real ->
        (object, storageClass, contentType) -> {
          if (created.incrementAndGet() == 2) {
            clock.advance(by);
          }
          return real.create(object, storageClass, contentType);
        };
  }

  /**
   * The read-time window guard. With the catalogued 1800 s timeout and the default 3300 s window
   * the function's deadline always comes first, so the guard matters when the window is set below
   * the timeout (BACKUP_MAX_SNAPSHOT_AGE_SECONDS, e.g. where Firestore keeps less history) or the
   * timeout is raised above it: here the window is 600 s.
   */
  @Test
  void aBackupThatOutlivesTheReadTimeWindowFailsAndIsNeverUsed() throws Exception {
    try (TestBed narrow =
        RecoveryFixtures.bed("2026-03-01T10:00:00Z")
            .env("BACKUP_MAX_SNAPSHOT_AGE_SECONDS", "600")
            .build()) {
      Duration window = narrow.root.recovery().config().maxSnapshotAge();
      assertEquals(Duration.ofMinutes(10), window);
      wallet(narrow, "u1", 100, 3);
      String previous = hourlyBackupNow(narrow);

      // Just inside the window: the backup completes.
      Instant inTime = Instant.parse("2026-03-01T11:00:00Z");
      narrow.clock.set(inTime);
      AtomicInteger created = new AtomicInteger();
      TestBed slow =
          withSink(narrow, clockJumpAtSecondShard(narrow.clock, window.minusSeconds(1), created));
      FakeExchange.Response ok =
          narrow.runJob(new CreateHourlyBackup(slow.platform, slow.root.recovery()), inTime);
      assertEquals(200, ok.status(), ok.body());
      assertEquals("succeeded", ok.json().get("outcome").getAsString(), ok.body());
      assertTrue(created.get() > 2, "the backup went on past the clock jump");
      String inTimeId = ok.json().getAsJsonObject("summary").get("backupId").getAsString();

      // One second past the window while reading: Firestore may no longer hold the snapshot's
      // versions.
      Instant late = Instant.parse("2026-03-01T13:00:00Z");
      narrow.clock.set(late);
      created.set(0);
      TestBed tooSlow =
          withSink(narrow, clockJumpAtSecondShard(narrow.clock, window.plusSeconds(1), created));
      FakeExchange.Response refused =
          narrow.runJob(new CreateHourlyBackup(tooSlow.platform, tooSlow.root.recovery()), late);

      assertEquals(400, refused.status(), refused.body());
      assertEquals("FAILED_PRECONDITION", refused.errorStatus(), refused.body());
      assertEquals(
          2,
          created.get(),
          "it stopped after the first page read past the window, before another shard");
      BackupId partial = BackupId.of(BackupTier.HOURLY, late);
      assertFalse(
          objects(narrow, partial.prefix()).contains(partial.manifestObject()),
          "no manifest: the backup does not exist");
      BackupRecord entry = narrow.root.recovery().catalog().get(partial).orElseThrow();
      assertEquals(BackupState.FAILED, entry.state());
      assertTrue(entry.error().contains("read-time window"), entry.error());
      DocumentSnapshot run =
          Firestores.await(
              narrow.db.collection("jobRuns").document("createHourlyBackup@" + late).get());
      assertEquals("failed", run.getString("outcome"));

      var latest = recoverWalletOk(narrow, json("userId", "u1", "dryRun", true));
      assertEquals(
          inTimeId,
          latest.getAsJsonObject("source").get("id").getAsString(),
          "recovery uses the last complete backup, not the one that outlived its window");
      assertFalse(inTimeId.equals(previous));
    }
  }

  @Test
  void aBackupKilledMidwayLeavesThePreviousOneIntactAndIsNeverUsed() throws Exception {
    wallet(bed, "u1", 100, 3);
    String previous = hourlyBackupNow(bed);
    Map<String, byte[]> previousObjects =
        snapshotObjects(BackupId.parse(previous).orElseThrow().prefix());
    Firestores.await(bed.db.collection("wallet").document("u1").update("balance", 200L));
    Instant failedAt = Instant.parse("2026-03-01T11:00:00Z");
    bed.clock.set(failedAt);
    AtomicInteger created = new AtomicInteger();
    TestBed dying = withSink(bed, dieAfter(5, created));

    FakeExchange.Response crash =
        bed.runJob(new CreateHourlyBackup(dying.platform, dying.root.recovery()), failedAt);

    assertEquals(500, crash.status(), crash.body());
    assertEquals(6, created.get(), "it died on the sixth shard");
    BackupId partial = BackupId.of(BackupTier.HOURLY, failedAt);
    List<String> partialObjects = objects(bed, partial.prefix());
    assertFalse(partialObjects.isEmpty(), "some shards were committed before the crash");
    assertFalse(
        partialObjects.contains(partial.manifestObject()),
        "no manifest: the backup does not exist");
    BackupCatalog catalog = bed.root.recovery().catalog();
    assertEquals(BackupState.FAILED, catalog.get(partial).orElseThrow().state());
    assertTrue(catalog.get(partial).orElseThrow().error().contains("injected"));
    DocumentSnapshot run =
        Firestores.await(
            bed.db.collection("jobRuns").document("createHourlyBackup@" + failedAt).get());
    assertEquals("failed", run.getString("outcome"));

    Map<String, byte[]> nowObjects =
        snapshotObjects(BackupId.parse(previous).orElseThrow().prefix());
    assertEquals(previousObjects.keySet(), nowObjects.keySet());
    previousObjects.forEach((name, bytes) -> assertArrayEquals(bytes, nowObjects.get(name), name));

    var latest = recoverWalletOk(bed, json("userId", "u1", "dryRun", true));
    assertEquals(
        previous,
        latest.getAsJsonObject("source").get("id").getAsString(),
        "the partial backup is skipped");
    FakeExchange.Response named =
        recoverWallet(bed, json("userId", "u1", "backupId", partial.toString()));
    assertEquals("FAILED_PRECONDITION", named.errorStatus(), named.body());
    assertTrue(named.errorMessage().contains("incomplete"), named.errorMessage());

    // Cloud Scheduler retries the same scheduled time: the same backup id is written whole.
    var retry = backup(bed, CreateHourlyBackup::new, failedAt);
    assertEquals("succeeded", retry.get("outcome").getAsString(), retry.toString());
    assertEquals(
        partial.toString(), retry.getAsJsonObject("summary").get("backupId").getAsString());
    assertEquals(
        11, objects(bed, partial.prefix()).size(), "ten shards and the manifest, no leftovers");
    assertEquals(
        2L,
        Firestores.await(
                bed.db.collection(BackupCatalog.COLLECTION).document(partial.toString()).get())
            .getLong("attempts"));
    assertEquals(2, Firestores.await(bed.db.collection(BackupCatalog.COLLECTION).get()).size());
    recoverWalletOk(bed, json("userId", "u1", "backupId", partial.toString()));
    assertEquals(200L, walletState(bed, "u1").get("wallet/u1").get("balance"));
  }

  @Test
  void aTamperedShardIsRefusedWithDataLossAndNothingIsWritten() throws Exception {
    wallet(bed, "u2", 100, 2);
    String backupId = hourlyBackupNow(bed);
    Manifest manifest = manifest(bed, backupId);
    Manifest.CollectionEntry wallets = manifest.collection("wallet").orElseThrow();
    Manifest.ShardEntry shard = wallets.shard(Partitioner.partitionOf("u2", wallets.partitions()));
    // A well-formed shard with believable content: only the checksum can tell.
    String forged =
        new String(ungzip(read(bed, shard.object())), StandardCharsets.UTF_8)
            .replace("{\"i\":\"100\"}", "{\"i\":\"100000000\"}");
    assertTrue(forged.contains("100000000"));
    overwrite(bed, shard.object(), gzip(forged));
    Firestores.await(bed.db.collection("wallet").document("u2").update("balance", 1L));

    FakeExchange.Response response = recoverWallet(bed, json("userId", "u2"));

    assertEquals("DATA_LOSS", response.errorStatus(), response.body());
    assertTrue(
        response.errorMessage().contains("fails its SHA-256 check"), response.errorMessage());
    assertEquals(1L, walletState(bed, "u2").get("wallet/u2").get("balance"));
    assertEquals(
        0, Firestores.await(bed.db.collection(RecoveryArchiveStore.COLLECTION).get()).size());
    assertTrue(objects(bed, RecoveryArchives.OBJECT_PREFIX).isEmpty());
  }

  @Test
  void aReplacedManifestIsRefused() throws Exception {
    wallet(bed, "u3", 100, 1);
    String backupId = hourlyBackupNow(bed);
    BackupId id = BackupId.parse(backupId).orElseThrow();
    String manifest = new String(read(bed, id.manifestObject()), StandardCharsets.UTF_8);
    overwrite(
        bed,
        id.manifestObject(),
        manifest.replace("\"documents\":", "\"documents\": ").getBytes(StandardCharsets.UTF_8));

    FakeExchange.Response response = recoverWallet(bed, json("userId", "u3", "backupId", backupId));

    assertEquals("DATA_LOSS", response.errorStatus(), response.body());
    assertTrue(
        response.errorMessage().contains("does not match its recorded SHA-256"),
        response.errorMessage());
  }

  @Test
  void theHealthCheckQuarantinesACorruptBackupAndRecoveryFallsBackToTheOneBefore()
      throws Exception {
    wallet(bed, "u4", 100, 1);
    String older = hourlyBackupNow(bed);
    bed.clock.advance(Duration.ofHours(1));
    Firestores.await(bed.db.collection("wallet").document("u4").update("balance", 150L));
    String newer = hourlyBackupNow(bed);
    Manifest manifest = manifest(bed, newer);
    Manifest.ShardEntry shard = manifest.collection("walletTransactions").orElseThrow().shard(0);
    byte[] bytes = read(bed, shard.object());
    bytes[bytes.length / 2] ^= 0x01;
    overwrite(bed, shard.object(), bytes);

    FakeExchange.Response check =
        bed.runJob(new MonitorBackupHealth(bed.platform, bed.root.recovery()), bed.clock.instant());

    assertEquals(200, check.status(), check.body());
    BackupCatalog catalog = bed.root.recovery().catalog();
    assertEquals(
        BackupState.CORRUPT,
        catalog.get(BackupId.parse(newer).orElseThrow()).orElseThrow().state());
    var alerts =
        Firestores.await(
            bed.db
                .collection("systemAlerts")
                .whereEqualTo("source", "recovery")
                .whereEqualTo("key", "backup:hourly:corrupt")
                .whereEqualTo("status", "open")
                .get());
    assertEquals(1, alerts.size());
    assertEquals("critical", alerts.getDocuments().get(0).getString("severity"));
    assertTrue(alerts.getDocuments().get(0).getString("message").contains(newer));

    var recovered = recoverWalletOk(bed, json("userId", "u4"));
    assertEquals(older, recovered.getAsJsonObject("source").get("id").getAsString());
    assertEquals(100L, walletState(bed, "u4").get("wallet/u4").get("balance"));
    FakeExchange.Response named = recoverWallet(bed, json("userId", "u4", "backupId", newer));
    assertEquals("FAILED_PRECONDITION", named.errorStatus(), named.body());
  }

  private static byte[] ungzip(byte[] bytes) throws IOException {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}

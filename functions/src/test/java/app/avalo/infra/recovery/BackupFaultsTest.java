package app.avalo.infra.recovery;

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

/** A backup killed part-way and a backup damaged in the bucket: neither is ever used. */
class BackupFaultsTest {
  private final RecoveryFixture world = new RecoveryFixture("2026-03-01T10:00:00Z");

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
    world.objects(prefix).forEach(o -> objects.put(o, world.read(o)));
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
    RecoveryFixture world =
        new RecoveryFixture(
            "2026-03-01T10:00:00Z", Map.of("BACKUP_MAX_SNAPSHOT_AGE_SECONDS", "600"));
    Duration window = world.recovery.config().maxSnapshotAge();
    assertEquals(Duration.ofMinutes(10), window);
    world.wallet("u1", 100, 3);
    String previous = world.hourlyBackupNow();

    // Just inside the window: the backup completes.
    Instant inTime = Instant.parse("2026-03-01T11:00:00Z");
    world.clock.set(inTime);
    AtomicInteger created = new AtomicInteger();
    TestBed slow =
        world.newApp(clockJumpAtSecondShard(world.clock, window.minusSeconds(1), created));
    FakeExchange.Response ok =
        RecoveryFixture.job(new CreateHourlyBackup(slow.platform, slow.root.recovery()), inTime);
    assertEquals(200, ok.status(), ok.body());
    assertEquals("succeeded", ok.json().get("outcome").getAsString(), ok.body());
    assertTrue(created.get() > 2, "the backup went on past the clock jump");
    String inTimeId = ok.json().getAsJsonObject("summary").get("backupId").getAsString();

    // One second past the window while reading: Firestore may no longer hold the snapshot's
    // versions.
    Instant late = Instant.parse("2026-03-01T13:00:00Z");
    world.clock.set(late);
    created.set(0);
    TestBed tooSlow =
        world.newApp(clockJumpAtSecondShard(world.clock, window.plusSeconds(1), created));
    FakeExchange.Response refused =
        RecoveryFixture.job(
            new CreateHourlyBackup(tooSlow.platform, tooSlow.root.recovery()), late);

    assertEquals(400, refused.status(), refused.body());
    assertEquals("FAILED_PRECONDITION", refused.errorStatus(), refused.body());
    assertEquals(
        2,
        created.get(),
        "it stopped after the first page read past the window, before another shard");
    BackupId partial = BackupId.of(BackupTier.HOURLY, late);
    assertFalse(
        world.objects(partial.prefix()).contains(partial.manifestObject()),
        "no manifest: the backup does not exist");
    BackupCatalog.BackupRecord entry = world.recovery.catalog().get(partial).orElseThrow();
    assertEquals(BackupCatalog.State.FAILED, entry.state());
    assertTrue(entry.error().contains("read-time window"), entry.error());
    DocumentSnapshot run =
        Firestores.await(
            world.db.collection("jobRuns").document("createHourlyBackup@" + late).get());
    assertEquals("failed", run.getString("outcome"));

    var latest = RecoveryFixture.ok(world.recoverWallet("{\"userId\": \"u1\", \"dryRun\": true}"));
    assertEquals(
        inTimeId,
        latest.getAsJsonObject("source").get("id").getAsString(),
        "recovery uses the last complete backup, not the one that outlived its window");
    assertFalse(inTimeId.equals(previous));
  }

  @Test
  void aBackupKilledMidwayLeavesThePreviousOneIntactAndIsNeverUsed() throws Exception {
    world.wallet("u1", 100, 3);
    String previous = world.hourlyBackupNow();
    Map<String, byte[]> previousObjects =
        snapshotObjects(BackupId.parse(previous).orElseThrow().prefix());
    Firestores.await(world.db.collection("wallet").document("u1").update("balance", 200L));
    Instant failedAt = Instant.parse("2026-03-01T11:00:00Z");
    world.clock.set(failedAt);
    AtomicInteger created = new AtomicInteger();
    TestBed dying = world.newApp(dieAfter(5, created));

    FakeExchange.Response crash =
        RecoveryFixture.job(
            new CreateHourlyBackup(dying.platform, dying.root.recovery()), failedAt);

    assertEquals(500, crash.status(), crash.body());
    assertEquals(6, created.get(), "it died on the sixth shard");
    BackupId partial = BackupId.of(BackupTier.HOURLY, failedAt);
    List<String> partialObjects = world.objects(partial.prefix());
    assertFalse(partialObjects.isEmpty(), "some shards were committed before the crash");
    assertFalse(
        partialObjects.contains(partial.manifestObject()),
        "no manifest: the backup does not exist");
    BackupCatalog catalog = world.recovery.catalog();
    assertEquals(BackupCatalog.State.FAILED, catalog.get(partial).orElseThrow().state());
    assertTrue(catalog.get(partial).orElseThrow().error().contains("injected"));
    DocumentSnapshot run =
        Firestores.await(
            world.db.collection("jobRuns").document("createHourlyBackup@" + failedAt).get());
    assertEquals("failed", run.getString("outcome"));

    Map<String, byte[]> nowObjects =
        snapshotObjects(BackupId.parse(previous).orElseThrow().prefix());
    assertEquals(previousObjects.keySet(), nowObjects.keySet());
    previousObjects.forEach((name, bytes) -> assertArrayEquals(bytes, nowObjects.get(name), name));

    var latest = RecoveryFixture.ok(world.recoverWallet("{\"userId\": \"u1\", \"dryRun\": true}"));
    assertEquals(
        previous,
        latest.getAsJsonObject("source").get("id").getAsString(),
        "the partial backup is skipped");
    FakeExchange.Response named =
        world.recoverWallet("{\"userId\": \"u1\", \"backupId\": \"" + partial + "\"}");
    assertEquals("FAILED_PRECONDITION", named.errorStatus(), named.body());
    assertTrue(named.errorMessage().contains("incomplete"), named.errorMessage());

    // Cloud Scheduler retries the same scheduled time: the same backup id is written whole.
    var retry = world.backup(CreateHourlyBackup::new, failedAt);
    assertEquals("succeeded", retry.get("outcome").getAsString(), retry.toString());
    assertEquals(
        partial.toString(), retry.getAsJsonObject("summary").get("backupId").getAsString());
    assertEquals(
        11, world.objects(partial.prefix()).size(), "ten shards and the manifest, no leftovers");
    assertEquals(
        2L,
        Firestores.await(
                world.db.collection(BackupCatalog.COLLECTION).document(partial.toString()).get())
            .getLong("attempts"));
    assertEquals(2, Firestores.await(world.db.collection(BackupCatalog.COLLECTION).get()).size());
    RecoveryFixture.ok(
        world.recoverWallet("{\"userId\": \"u1\", \"backupId\": \"" + partial + "\"}"));
    assertEquals(200L, world.walletState("u1").get("wallet/u1").get("balance"));
  }

  @Test
  void aTamperedShardIsRefusedWithDataLossAndNothingIsWritten() throws Exception {
    world.wallet("u2", 100, 2);
    String backupId = world.hourlyBackupNow();
    Manifest manifest = world.manifest(backupId);
    Manifest.CollectionEntry wallets = manifest.collection("wallet").orElseThrow();
    Manifest.ShardEntry shard = wallets.shard(Partitioner.partitionOf("u2", wallets.partitions()));
    // A well-formed shard with believable content: only the checksum can tell.
    String forged =
        new String(ungzip(world.read(shard.object())), StandardCharsets.UTF_8)
            .replace("{\"i\":\"100\"}", "{\"i\":\"100000000\"}");
    assertTrue(forged.contains("100000000"));
    world.overwrite(shard.object(), gzip(forged));
    Firestores.await(world.db.collection("wallet").document("u2").update("balance", 1L));

    FakeExchange.Response response = world.recoverWallet("{\"userId\": \"u2\"}");

    assertEquals("DATA_LOSS", response.errorStatus(), response.body());
    assertTrue(
        response.errorMessage().contains("fails its SHA-256 check"), response.errorMessage());
    assertEquals(1L, world.walletState("u2").get("wallet/u2").get("balance"));
    assertEquals(
        0, Firestores.await(world.db.collection(RecoveryArchives.COLLECTION).get()).size());
    assertTrue(world.objects(RecoveryArchives.OBJECT_PREFIX).isEmpty());
  }

  @Test
  void aReplacedManifestIsRefused() throws Exception {
    world.wallet("u3", 100, 1);
    String backupId = world.hourlyBackupNow();
    BackupId id = BackupId.parse(backupId).orElseThrow();
    String manifest = new String(world.read(id.manifestObject()), StandardCharsets.UTF_8);
    world.overwrite(
        id.manifestObject(),
        manifest.replace("\"documents\":", "\"documents\": ").getBytes(StandardCharsets.UTF_8));

    FakeExchange.Response response =
        world.recoverWallet("{\"userId\": \"u3\", \"backupId\": \"" + backupId + "\"}");

    assertEquals("DATA_LOSS", response.errorStatus(), response.body());
    assertTrue(
        response.errorMessage().contains("does not match its recorded SHA-256"),
        response.errorMessage());
  }

  @Test
  void theHealthCheckQuarantinesACorruptBackupAndRecoveryFallsBackToTheOneBefore()
      throws Exception {
    world.wallet("u4", 100, 1);
    String older = world.hourlyBackupNow();
    world.clock.advance(Duration.ofHours(1));
    Firestores.await(world.db.collection("wallet").document("u4").update("balance", 150L));
    String newer = world.hourlyBackupNow();
    Manifest manifest = world.manifest(newer);
    Manifest.ShardEntry shard = manifest.collection("walletTransactions").orElseThrow().shard(0);
    byte[] bytes = world.read(shard.object());
    bytes[bytes.length / 2] ^= 0x01;
    world.overwrite(shard.object(), bytes);

    FakeExchange.Response check =
        RecoveryFixture.job(
            new MonitorBackupHealth(world.app, world.recovery), world.clock.instant());

    assertEquals(200, check.status(), check.body());
    BackupCatalog catalog = world.recovery.catalog();
    assertEquals(
        BackupCatalog.State.CORRUPT,
        catalog.get(BackupId.parse(newer).orElseThrow()).orElseThrow().state());
    var alerts =
        Firestores.await(
            world
                .db
                .collection("systemAlerts")
                .whereEqualTo("source", "recovery")
                .whereEqualTo("key", "backup:hourly:corrupt")
                .whereEqualTo("status", "open")
                .get());
    assertEquals(1, alerts.size());
    assertEquals("critical", alerts.getDocuments().get(0).getString("severity"));
    assertTrue(alerts.getDocuments().get(0).getString("message").contains(newer));

    var recovered = RecoveryFixture.ok(world.recoverWallet("{\"userId\": \"u4\"}"));
    assertEquals(older, recovered.getAsJsonObject("source").get("id").getAsString());
    assertEquals(100L, world.walletState("u4").get("wallet/u4").get("balance"));
    FakeExchange.Response named =
        world.recoverWallet("{\"userId\": \"u4\", \"backupId\": \"" + newer + "\"}");
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

package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.StorageClass;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The backup jobs: shard layout, manifest, storage classes, idempotency, retention. */
class BackupJobsTest {
  /** Small shards, so a few dozen documents already make several partitions. */
  private final RecoveryFixture world =
      new RecoveryFixture(
          "2026-03-01T10:00:00Z",
          Map.of(
              "BACKUP_TARGET_DOCS_PER_SHARD",
              "10",
              "BACKUP_PAGE_SIZE",
              "25",
              "BACKUP_KEEP_HOURLY",
              "3"));

  private void manyWallets() {
    for (int u = 0; u < 30; u++) {
      world.wallet("user-" + u, 100L * u, 3);
    }
    Firestores.await(world.db.collection("payments").document("orphan").set(Map.of("amount", 5L)));
  }

  private static List<String> lines(byte[] gzipped) throws IOException {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
  }

  @Test
  void shardsArePartitionedByOwnerAndTheManifestDescribesThemExactly() throws Exception {
    manyWallets();
    String backupId = world.hourlyBackupNow();
    Manifest manifest = world.manifest(backupId);

    assertEquals(backupId, "hourly-20260301T100000Z");
    Manifest.CollectionEntry txs = manifest.collection("walletTransactions").orElseThrow();
    assertEquals("field:userId", txs.ownerKey());
    assertEquals(9, txs.partitions(), "90 transactions at 10 per shard");
    assertEquals(90, txs.documents());
    assertEquals(3, manifest.collection("wallet").orElseThrow().partitions());
    assertEquals(1, manifest.collection("payments").orElseThrow().unownedDocuments());
    assertEquals(
        1,
        manifest.collection("messages").orElseThrow().partitions(),
        "an empty collection still has its shard");
    long total = 0;
    for (Manifest.CollectionEntry c : manifest.collections()) {
      for (Manifest.ShardEntry shard : c.shards()) {
        byte[] stored = world.read(shard.object());
        assertTrue(ShardReader.matches(stored, shard.bytes(), shard.sha256()), shard.object());
        List<String> lines = lines(stored);
        assertEquals(shard.documents(), lines.size(), shard.object());
        for (String line : lines) {
          DocumentRecord doc = DocumentCodec.readLine(line, world.db);
          assertEquals(c.name(), doc.collection());
          assertEquals(
              shard.partition(),
              Partitioner.partitionOf(doc.owner(), c.partitions()),
              doc.path() + " is in the shard of its owner");
        }
        total += shard.documents();
      }
    }
    assertEquals(manifest.documents(), total);
    assertEquals(30 + 90 + 1, total);
    assertEquals(
        List.of(
            "users",
            "wallet",
            "walletTransactions",
            "chats",
            "messages",
            "calls",
            "supportTickets",
            "aiSessions",
            "events",
            "payments"),
        manifest.collections().stream().map(Manifest.CollectionEntry::name).toList());
  }

  @Test
  void recoveringOneWalletReadsOnlyItsOwnShards() throws Exception {
    manyWallets();
    Map<String, Map<String, Object>> before = world.walletState("user-7");
    String backupId = world.hourlyBackupNow();
    Manifest manifest = world.manifest(backupId);
    // Remove every shard except the two that hold user-7: recovery must not miss them.
    Set<String> needed = new HashSet<>();
    for (String name : List.of("wallet", "walletTransactions")) {
      Manifest.CollectionEntry c = manifest.collection(name).orElseThrow();
      needed.add(c.shard(Partitioner.partitionOf("user-7", c.partitions())).object());
    }
    int removed = 0;
    for (Manifest.CollectionEntry c : manifest.collections()) {
      for (Manifest.ShardEntry shard : c.shards()) {
        if (!needed.contains(shard.object())) {
          assertTrue(world.storage.delete(BlobId.of(RecoveryFixture.BUCKET, shard.object())));
          removed++;
        }
      }
    }
    assertTrue(removed > 10, "most of the backup is gone: " + removed);
    Firestores.await(world.db.collection("wallet").document("user-7").update("balance", -5L));
    Firestores.await(world.db.collection("walletTransactions").document("user-7-tx-0000").delete());

    RecoveryFixture.ok(world.recoverWallet("{\"userId\": \"user-7\"}"));

    Map<String, Map<String, Object>> after = world.walletState("user-7");
    assertEquals(before.keySet(), after.keySet());
    before.forEach((path, fields) -> BitExact.assertSameDocument(fields, after.get(path)));
  }

  @Test
  void eachTierStoresItsObjectsInItsStorageClass() throws Exception {
    world.wallet("u1", 1, 1);
    Instant at = Instant.parse("2026-03-01T03:00:00Z");
    JsonObject hourly = world.backup(CreateHourlyBackup::new, at).getAsJsonObject("summary");
    JsonObject daily = world.backup(CreateDailyBackup::new, at).getAsJsonObject("summary");
    JsonObject cold = world.backup(CreateColdStorageBackup::new, at).getAsJsonObject("summary");
    Map<String, StorageClass> expected =
        Map.of(
            hourly.get("backupId").getAsString(),
            StorageClass.STANDARD,
            daily.get("backupId").getAsString(),
            StorageClass.NEARLINE,
            cold.get("backupId").getAsString(),
            StorageClass.ARCHIVE);
    assertEquals(
        Set.of("hourly-20260301T030000Z", "daily-20260301T030000Z", "cold-20260301T030000Z"),
        expected.keySet());
    expected.forEach(
        (id, storageClass) -> {
          String prefix = BackupId.parse(id).orElseThrow().prefix();
          List<String> objects = world.objects(prefix);
          assertEquals(11, objects.size(), "ten collections' shards and the manifest");
          for (String object : objects) {
            assertEquals(
                storageClass,
                world.storage.get(BlobId.of(RecoveryFixture.BUCKET, object)).getStorageClass(),
                object);
          }
        });
  }

  @Test
  void aRedeliveredRunDoesNothingAndARepeatedRunRewritesTheSameBackup() throws Exception {
    world.wallet("u1", 1, 2);
    Instant at = Instant.parse("2026-03-01T10:00:00Z");
    JsonObject first = world.backup(CreateHourlyBackup::new, at);
    JsonObject again = world.backup(CreateHourlyBackup::new, at);
    assertEquals("succeeded", first.get("outcome").getAsString());
    assertEquals("duplicate", again.get("outcome").getAsString());
    List<String> objects = world.objects(BackupId.ROOT);

    // Below the job runner (e.g. its run record was lost): the runner sees the verified backup.
    RecoveryModule module = world.recovery;
    Map<String, Object> rerun =
        module.backups().run(BackupTier.HOURLY, at.plusMillis(400), new NoDeadline());
    assertEquals(true, rerun.get("alreadyComplete"));
    assertEquals("hourly-20260301T100000Z", rerun.get("backupId"));
    assertEquals(objects, world.objects(BackupId.ROOT));
    assertEquals(1, Firestores.await(world.db.collection(BackupCatalog.COLLECTION).get()).size());
  }

  @Test
  void retentionKeepsTheNewestVerifiedBackupsAndDeletesTheRest() throws Exception {
    world.wallet("u1", 1, 1);
    for (int h = 0; h < 6; h++) {
      world.hourlyBackupNow();
      world.clock.advance(Duration.ofHours(1));
    }
    List<String> indexed =
        Firestores.await(world.db.collection(BackupCatalog.COLLECTION).get())
            .getDocuments()
            .stream()
            .map(d -> d.getId())
            .sorted()
            .toList();
    assertEquals(
        List.of("hourly-20260301T130000Z", "hourly-20260301T140000Z", "hourly-20260301T150000Z"),
        indexed);
    Set<String> folders = new HashSet<>();
    world.objects(BackupId.ROOT).forEach(o -> folders.add(o.split("/")[2]));
    assertEquals(Set.copyOf(indexed), folders, "deleted backups leave no objects behind");
  }

  @Test
  void retentionNeverDeletesTheNewestVerifiedBackupWhateverFailsAfterIt() throws Exception {
    world.wallet("u1", 1, 1);
    String verified = world.hourlyBackupNow();
    BackupCatalog catalog = world.recovery.catalog();
    // Newer runs that failed or are still writing, and an older one that failed.
    for (int h = 1; h <= 4; h++) {
      BackupId failed =
          BackupId.of(BackupTier.HOURLY, world.clock.instant().plus(Duration.ofHours(h)));
      catalog.markWriting(failed, RecoveryFixture.BUCKET, failed.scheduledFor());
      if (h % 2 == 0) {
        catalog.markFailed(failed, "test");
      }
    }
    BackupId older =
        BackupId.of(BackupTier.HOURLY, world.clock.instant().minus(Duration.ofHours(5)));
    catalog.markWriting(older, RecoveryFixture.BUCKET, older.scheduledFor());
    catalog.markFailed(older, "test");

    List<String> deleted =
        new BackupRetention(catalog, new BackupStorage(world.storage, RecoveryFixture.BUCKET))
            .apply(BackupTier.HOURLY, 1);

    assertEquals(List.of(older.toString()), deleted);
    assertEquals(
        BackupCatalog.State.VERIFIED,
        catalog.get(BackupId.parse(verified).orElseThrow()).orElseThrow().state());
    assertFalse(world.objects(BackupId.parse(verified).orElseThrow().prefix()).isEmpty());
  }

  /** For calling the runner directly, outside a job. */
  static final class NoDeadline implements RunControl {
    @Override
    public Duration remaining() {
      return Duration.ofHours(1);
    }

    @Override
    public void progress(String key, Object value) {}
  }
}

package app.avalo.infra.recovery;

import static app.avalo.infra.recovery.RecoveryFixtures.BUCKET;
import static app.avalo.infra.recovery.RecoveryFixtures.backup;
import static app.avalo.infra.recovery.RecoveryFixtures.hourlyBackupNow;
import static app.avalo.infra.recovery.RecoveryFixtures.json;
import static app.avalo.infra.recovery.RecoveryFixtures.manifest;
import static app.avalo.infra.recovery.RecoveryFixtures.objects;
import static app.avalo.infra.recovery.RecoveryFixtures.read;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWalletOk;
import static app.avalo.infra.recovery.RecoveryFixtures.wallet;
import static app.avalo.infra.recovery.RecoveryFixtures.walletState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.TestBed;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/** The backup jobs: shard layout, manifest, storage classes, idempotency, retention. */
class BackupJobsTest {
  /** Small shards, so a few dozen documents already make several partitions. */
  @RegisterExtension
  final TestBed bed =
      RecoveryFixtures.bed("2026-03-01T10:00:00Z")
          .env("BACKUP_TARGET_DOCS_PER_SHARD", "10")
          .env("BACKUP_PAGE_SIZE", "25")
          .env("BACKUP_KEEP_HOURLY", "3")
          .build();

  private void manyWallets() {
    for (int u = 0; u < 30; u++) {
      wallet(bed, "user-" + u, 100L * u, 3);
    }
    Firestores.await(bed.db.collection("payments").document("orphan").set(Map.of("amount", 5L)));
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
    String backupId = hourlyBackupNow(bed);
    Manifest manifest = manifest(bed, backupId);

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
        byte[] stored = read(bed, shard.object());
        assertTrue(ShardReader.matches(stored, shard.bytes(), shard.sha256()), shard.object());
        List<String> lines = lines(stored);
        assertEquals(shard.documents(), lines.size(), shard.object());
        for (String line : lines) {
          DocumentRecord doc = DocumentCodec.readLine(line, bed.db);
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
    Map<String, Map<String, Object>> before = walletState(bed, "user-7");
    String backupId = hourlyBackupNow(bed);
    Manifest manifest = manifest(bed, backupId);
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
          assertTrue(bed.storage.delete(BlobId.of(BUCKET, shard.object())));
          removed++;
        }
      }
    }
    assertTrue(removed > 10, "most of the backup is gone: " + removed);
    Firestores.await(bed.db.collection("wallet").document("user-7").update("balance", -5L));
    Firestores.await(bed.db.collection("walletTransactions").document("user-7-tx-0000").delete());

    recoverWalletOk(bed, json("userId", "user-7"));

    Map<String, Map<String, Object>> after = walletState(bed, "user-7");
    assertEquals(before.keySet(), after.keySet());
    before.forEach((path, fields) -> BitExact.assertSameDocument(fields, after.get(path)));
  }

  @Test
  void eachTierStoresItsObjectsInItsStorageClass() throws Exception {
    wallet(bed, "u1", 1, 1);
    Instant at = Instant.parse("2026-03-01T03:00:00Z");
    JsonObject hourly = backup(bed, CreateHourlyBackup::new, at).getAsJsonObject("summary");
    JsonObject daily = backup(bed, CreateDailyBackup::new, at).getAsJsonObject("summary");
    JsonObject cold = backup(bed, CreateColdStorageBackup::new, at).getAsJsonObject("summary");
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
          List<String> objects = objects(bed, prefix);
          assertEquals(11, objects.size(), "ten collections' shards and the manifest");
          for (String object : objects) {
            assertEquals(
                storageClass, bed.storage.get(BlobId.of(BUCKET, object)).getStorageClass(), object);
          }
        });
  }

  @Test
  void aRedeliveredRunDoesNothingAndARepeatedRunRewritesTheSameBackup() throws Exception {
    wallet(bed, "u1", 1, 2);
    Instant at = Instant.parse("2026-03-01T10:00:00Z");
    JsonObject first = backup(bed, CreateHourlyBackup::new, at);
    JsonObject again = backup(bed, CreateHourlyBackup::new, at);
    assertEquals("succeeded", first.get("outcome").getAsString());
    assertEquals("duplicate", again.get("outcome").getAsString());
    List<String> objects = objects(bed, BackupId.ROOT);

    // Below the job runner (e.g. its run record was lost): the runner sees the verified backup.
    RecoveryModule module = bed.root.recovery();
    BackupRunSummary rerun =
        module.backups().run(BackupTier.HOURLY, at.plusMillis(400), new NoDeadline());
    assertEquals(true, rerun.alreadyComplete());
    assertEquals("hourly-20260301T100000Z", rerun.backupId());
    assertEquals(objects, objects(bed, BackupId.ROOT));
    assertEquals(1, Firestores.await(bed.db.collection(BackupCatalog.COLLECTION).get()).size());
  }

  @Test
  void retentionKeepsTheNewestVerifiedBackupsAndDeletesTheRest() throws Exception {
    wallet(bed, "u1", 1, 1);
    for (int h = 0; h < 6; h++) {
      hourlyBackupNow(bed);
      bed.clock.advance(Duration.ofHours(1));
    }
    List<String> indexed =
        Firestores.await(bed.db.collection(BackupCatalog.COLLECTION).get()).getDocuments().stream()
            .map(d -> d.getId())
            .sorted()
            .toList();
    assertEquals(
        List.of("hourly-20260301T130000Z", "hourly-20260301T140000Z", "hourly-20260301T150000Z"),
        indexed);
    Set<String> folders = new HashSet<>();
    objects(bed, BackupId.ROOT).forEach(o -> folders.add(o.split("/")[2]));
    assertEquals(Set.copyOf(indexed), folders, "deleted backups leave no objects behind");
  }

  @Test
  void retentionNeverDeletesTheNewestVerifiedBackupWhateverFailsAfterIt() throws Exception {
    wallet(bed, "u1", 1, 1);
    String verified = hourlyBackupNow(bed);
    BackupCatalog catalog = bed.root.recovery().catalog();
    // Newer runs that failed or are still writing, and an older one that failed.
    for (int h = 1; h <= 4; h++) {
      BackupId failed =
          BackupId.of(BackupTier.HOURLY, bed.clock.instant().plus(Duration.ofHours(h)));
      catalog.markWriting(failed, BUCKET, failed.scheduledFor());
      if (h % 2 == 0) {
        catalog.markFailed(failed, "test");
      }
    }
    BackupId older = BackupId.of(BackupTier.HOURLY, bed.clock.instant().minus(Duration.ofHours(5)));
    catalog.markWriting(older, BUCKET, older.scheduledFor());
    catalog.markFailed(older, "test");

    List<String> deleted =
        new BackupRetention(catalog, new BackupStorage(bed.storage, BUCKET))
            .apply(BackupTier.HOURLY, 1);

    assertEquals(List.of(older.toString()), deleted);
    assertEquals(
        BackupState.VERIFIED,
        catalog.get(BackupId.parse(verified).orElseThrow()).orElseThrow().state());
    assertFalse(objects(bed, BackupId.parse(verified).orElseThrow().prefix()).isEmpty());
  }

  /** For calling the runner directly, outside a job. */
  static final class NoDeadline implements RunControl {
    @Override
    public Duration remaining() {
      return Duration.ofHours(1);
    }

    @Override
    public long fencingToken() {
      return 1;
    }

    @Override
    public void progress(String key, Object value) {}
  }
}

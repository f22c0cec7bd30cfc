package app.avalo.infra.recovery;

import static app.avalo.infra.recovery.RecoveryFixtures.backup;
import static app.avalo.infra.recovery.RecoveryFixtures.hourlyBackupNow;
import static app.avalo.infra.recovery.RecoveryFixtures.json;
import static app.avalo.infra.recovery.RecoveryFixtures.recoverWalletOk;
import static app.avalo.infra.recovery.RecoveryFixtures.wallet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * monitorBackupHealth: freshness per tier, re-hashed shards, plausible counts, alerts that come and
 * go.
 */
class BackupHealthTest {
  @RegisterExtension final TestBed bed = RecoveryFixtures.bed("2026-03-01T03:00:00Z").build();

  private JsonObject monitor() throws Exception {
    var response =
        bed.runJob(new MonitorBackupHealth(bed.platform, bed.root.recovery()), bed.clock.instant());
    assertEquals(200, response.status(), response.body());
    return response.json().getAsJsonObject("summary");
  }

  private List<String> openAlertKeys() {
    return Firestores.await(
            bed.db
                .collection("systemAlerts")
                .whereEqualTo("source", "recovery")
                .whereEqualTo("status", "open")
                .get())
        .getDocuments()
        .stream()
        .map(d -> d.getString("key"))
        .sorted()
        .toList();
  }

  private void backupAllTiers() throws Exception {
    Instant at = bed.clock.instant();
    backup(bed, CreateHourlyBackup::new, at);
    backup(bed, CreateDailyBackup::new, at);
    backup(bed, CreateColdStorageBackup::new, at);
  }

  @Test
  void freshIntactBackupsAreHealthy() throws Exception {
    wallet(bed, "u1", 1, 300);
    backupAllTiers();
    bed.clock.advance(Duration.ofMinutes(30));

    JsonObject summary = monitor();

    assertEquals("ok", summary.get("status").getAsString(), summary.toString());
    assertEquals(List.of(), openAlertKeys());
    DocumentSnapshot latest =
        Firestores.await(bed.db.collection(BackupHealthStore.COLLECTION).document("latest").get());
    assertEquals("ok", latest.getString("status"));
    @SuppressWarnings("unchecked")
    Map<String, Object> hourly = ((List<Map<String, Object>>) latest.get("tiers")).get(0);
    assertEquals("hourly-20260301T030000Z", hourly.get("backupId"));
    assertEquals(10L, hourly.get("shardsChecked"), "every shard re-hashed");
    assertEquals(
        1801L, hourly.get("ageSeconds"), "the snapshot is read one second before the run starts");
  }

  @Test
  void aStaleTierRaisesAnAlertThatResolvesWithTheNextBackup() throws Exception {
    wallet(bed, "u1", 1, 3);
    backupAllTiers();
    bed.clock.advance(Duration.ofHours(3));

    JsonObject stale = monitor();

    assertEquals("critical", stale.get("status").getAsString());
    assertEquals(
        List.of("backup:hourly:stale"),
        openAlertKeys(),
        "daily (26 h) and cold (32 d) are still fresh");
    QueryDocumentSnapshot alert =
        Firestores.await(
                bed.db.collection("systemAlerts").whereEqualTo("key", "backup:hourly:stale").get())
            .getDocuments()
            .get(0);
    assertEquals("critical", alert.getString("severity"));

    hourlyBackupNow(bed);
    bed.clock.advance(Duration.ofMinutes(1));
    assertEquals("ok", monitor().get("status").getAsString());
    assertEquals(List.of(), openAlertKeys());
    assertEquals("resolved", Firestores.await(alert.getReference().get()).getString("status"));
  }

  @Test
  void noBackupAtAllIsReportedForEveryTier() throws Exception {
    JsonObject summary = monitor();
    assertEquals("critical", summary.get("status").getAsString());
    assertEquals(
        List.of("backup:cold:missing", "backup:daily:missing", "backup:hourly:missing"),
        openAlertKeys());
  }

  @Test
  void theStoredCheckReadsBackAsTheCheckThatWasMade() throws Exception {
    wallet(bed, "u1", 1, 300);
    backup(bed, CreateHourlyBackup::new, bed.clock.instant());
    bed.clock.advance(Duration.ofHours(3));
    RecoveryModule recovery = bed.root.recovery();

    BackupHealth made = recovery.health().check(new BackupJobsTest.NoDeadline());

    assertEquals(
        List.of("stale"), made.tiers().get(0).problems().stream().map(p -> p.key()).toList());
    assertEquals(made, recovery.healthStore().latest().orElseThrow());
  }

  @Test
  void countsFarFromTheLiveDataAreAWarning() throws Exception {
    wallet(bed, "u1", 1, 300);
    backupAllTiers();
    var batch = bed.db.batch();
    for (int i = 0; i < 200; i++) {
      batch.delete(
          bed.db.collection("walletTransactions").document(String.format("u1-tx-%04d", i)));
    }
    Firestores.await(batch.commit());
    bed.clock.advance(Duration.ofMinutes(10));

    JsonObject summary = monitor();

    assertEquals("warning", summary.get("status").getAsString(), summary.toString());
    assertTrue(
        openAlertKeys().containsAll(List.of("backup:hourly:counts", "backup:daily:counts")),
        openAlertKeys().toString());
    assertFalse(
        openAlertKeys().contains("backup:cold:counts"),
        "cold backups may drift 75%: 300 vs 100 is 67%");
    String message =
        Firestores.await(
                bed.db.collection("systemAlerts").whereEqualTo("key", "backup:hourly:counts").get())
            .getDocuments()
            .get(0)
            .getString("message");
    assertTrue(message.contains("walletTransactions 300 backed up vs 100 live"), message);
  }

  @Test
  void theDashboardSectionShowsEachTierAndTheLastCheck() throws Exception {
    wallet(bed, "u1", 1, 3);
    backup(bed, CreateHourlyBackup::new, bed.clock.instant());
    bed.clock.advance(Duration.ofMinutes(5));
    monitor();
    recoverWalletOk(bed, json("userId", "u1"));

    JsonObject snapshot =
        Json.toTree(bed.root.recovery().dashboardSection().snapshot()).getAsJsonObject();

    var tiers = snapshot.getAsJsonArray("tiers");
    assertEquals(
        "hourly-20260301T030000Z", tiers.get(0).getAsJsonObject().get("backupId").getAsString());
    assertTrue(tiers.get(0).getAsJsonObject().get("fresh").getAsBoolean());
    assertFalse(tiers.get(1).getAsJsonObject().get("fresh").getAsBoolean(), "no daily backup yet");
    assertEquals("critical", snapshot.getAsJsonObject("health").get("status").getAsString());
    assertEquals(
        "wallet",
        snapshot
            .getAsJsonArray("recentRecoveries")
            .get(0)
            .getAsJsonObject()
            .get("kind")
            .getAsString());
  }
}

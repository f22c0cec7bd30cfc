package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.ConfigReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecoveryConfigTest {
  private static final Map<String, String> CLOUD =
      Map.of("GOOGLE_CLOUD_PROJECT", "avalo-prod", "K_SERVICE", "fn");
  private static final Map<String, String> LOCAL =
      Map.of("GOOGLE_CLOUD_PROJECT", "demo-avalo", "FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080");

  private static RecoveryConfig read(ConfigReader env, Map<String, String> platform) {
    return RecoveryConfig.read(env, AppConfig.read(new ConfigReader(platform), platform));
  }

  @Test
  void defaultsFollowTheSpec() {
    RecoveryConfig config =
        read(new ConfigReader(Map.of("BACKUP_BUCKET", "avalo-prod-backups")), CLOUD);
    assertEquals("avalo-prod-backups", config.bucket());
    assertEquals(48, config.keep(BackupTier.HOURLY));
    assertEquals(90, config.keep(BackupTier.DAILY));
    assertEquals(365, config.keep(BackupTier.COLD));
    assertEquals(Duration.ofMinutes(55), config.maxSnapshotAge());
  }

  @Test
  void everyProblemIsListedAtOnce() {
    ConfigReader env =
        new ConfigReader(Map.of("BACKUP_KEEP_HOURLY", "0", "BACKUP_MAX_PARTITIONS", "lots"));
    read(env, CLOUD);
    IllegalStateException e = assertThrows(IllegalStateException.class, env::throwIfInvalid);
    assertTrue(e.getMessage().contains("BACKUP_BUCKET is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("BACKUP_KEEP_HOURLY"), e.getMessage());
    assertTrue(e.getMessage().contains("BACKUP_MAX_PARTITIONS"), e.getMessage());
  }

  @Test
  void aBucketNameWithPathCharactersIsRefused() {
    ConfigReader env = new ConfigReader(Map.of("BACKUP_BUCKET", "gs://bucket/path"));
    read(env, CLOUD);
    assertThrows(IllegalStateException.class, env::throwIfInvalid);
  }

  @Test
  void theLocalStackNeedsNoBucketVariable() {
    ConfigReader env = new ConfigReader(Map.of());
    assertEquals("demo-avalo-backups", read(env, LOCAL).bucket());
    env.throwIfInvalid();
  }
}

package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ConfigReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecoveryConfigTest {
  @Test
  void defaultsFollowTheSpec() {
    RecoveryConfig config = RecoveryConfig.read(new ConfigReader(Map.of("BACKUP_BUCKET", "avalo-prod-backups")));
    assertEquals("avalo-prod-backups", config.bucket());
    assertEquals(48, config.keep(BackupTier.HOURLY));
    assertEquals(90, config.keep(BackupTier.DAILY));
    assertEquals(365, config.keep(BackupTier.COLD));
    assertEquals(Duration.ofSeconds(3300), config.maxSnapshotAge());
  }

  @Test
  void everyProblemIsListedAtOnce() {
    ConfigReader env = new ConfigReader(Map.of("BACKUP_KEEP_HOURLY", "0", "BACKUP_MAX_PARTITIONS", "lots"));
    RecoveryConfig.read(env);
    IllegalStateException e = assertThrows(IllegalStateException.class, env::throwIfInvalid);
    assertTrue(e.getMessage().contains("BACKUP_BUCKET is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("BACKUP_KEEP_HOURLY"), e.getMessage());
    assertTrue(e.getMessage().contains("BACKUP_MAX_PARTITIONS"), e.getMessage());
  }

  @Test
  void aBucketNameWithPathCharactersIsRefused() {
    ConfigReader env = new ConfigReader(Map.of("BACKUP_BUCKET", "gs://bucket/path"));
    RecoveryConfig.read(env);
    assertThrows(IllegalStateException.class, env::throwIfInvalid);
  }
}

package app.avalo.infra.recovery;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Cloud Scheduler, every 6 hours (<code>0 *&#47;6 * * *</code>): checks each tier's newest backup
 * for freshness, intact shards (every one re-hashed) and plausible counts; raises and resolves
 * alerts and writes {@code backupHealth/latest}. See {@link BackupHealthMonitor}. Once per
 * scheduled time.
 */
public final class MonitorBackupHealth extends ScheduledJob {
  private final Supplier<RecoveryModule> recovery;

  public MonitorBackupHealth() {
    super(() -> Root.get().platform());
    this.recovery = () -> Root.get().recovery();
  }

  MonitorBackupHealth(Platform platform, RecoveryModule recovery) {
    super(platform);
    this.recovery = () -> recovery;
  }

  @Override
  protected JobRunner.Result run(JobContext context) throws Exception {
    BackupHealthMonitor.Health health = recovery.get().health().check(RunControl.of(context));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("status", health.status());
    for (BackupHealthMonitor.TierHealth tier : health.tiers()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("status", tier.status());
      t.put("backupId", tier.backupId());
      t.put("ageSeconds", tier.ageSeconds());
      t.put("shardsChecked", tier.shardsChecked());
      t.put(
          "problems", tier.problems().stream().map(BackupHealthMonitor.Problem::message).toList());
      summary.put(tier.tier(), t);
    }
    return JobRunner.Result.of(summary);
  }
}

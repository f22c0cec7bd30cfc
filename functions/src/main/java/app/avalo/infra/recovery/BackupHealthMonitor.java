package app.avalo.infra.recovery;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.recovery.BackupHealth.CollectionCount;
import app.avalo.infra.recovery.BackupHealth.Problem;
import app.avalo.infra.recovery.BackupHealth.TierHealth;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks every tier's newest verified backup: that it exists and is fresh (hourly under 2 h, daily
 * under 26 h, cold under 32 days, by snapshot time), that its manifest and every shard still match
 * their SHA-256 (each shard re-read as a stream), and that each collection's count is plausible
 * against the live count ({@code count()} aggregation). A backup that fails the check is marked
 * {@code corrupt} — never used again — and the next newest is checked in its place.
 *
 * <p>Problems raise alerts and healthy tiers resolve them ({@link RecoveryAlerts}). The result is
 * written to {@code backupHealth/latest} and kept as {@code backupHealth/{checkedAt}} ({@link
 * BackupHealthStore}).
 */
final class BackupHealthMonitor {
  /** Small collections drift by a few documents without meaning anything. */
  static final long COUNT_SLACK = 50;

  /** How many verified backups of a tier to try when the newest ones turn out corrupt. */
  private static final int CANDIDATES = 3;

  private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(45);

  private final BackupCatalog catalog;
  private final BackupReader reader;
  private final BackupHealthStore store;
  private final LiveCounts liveData;
  private final RecoveryAlerts alerts;
  private final Clock clock;

  BackupHealthMonitor(
      BackupCatalog catalog,
      BackupReader reader,
      BackupHealthStore store,
      LiveCounts live,
      RecoveryAlerts alerts,
      Clock clock) {
    this.catalog = catalog;
    this.reader = reader;
    this.store = store;
    this.liveData = live;
    this.alerts = alerts;
    this.clock = clock;
  }

  BackupHealth check(RunControl control) throws IOException {
    Instant now = clock.instant();
    Map<String, Long> liveCounts = new HashMap<>();
    List<TierHealth> tiers = new ArrayList<>();
    for (BackupTier tier : BackupTier.values()) {
      control.progress("tier", tier.wire());
      TierHealth health = checkTier(tier, now, liveCounts, control);
      tiers.add(health);
      alerts.syncHealth(tier, health.problems());
    }
    BackupHealth health =
        new BackupHealth(
            now, overall(tiers.stream().flatMap(t -> t.problems().stream()).toList()), tiers);
    store.save(health);
    return health;
  }

  private TierHealth checkTier(
      BackupTier tier, Instant now, Map<String, Long> liveCounts, RunControl control)
      throws IOException {
    List<Problem> problems = new ArrayList<>();
    List<String> corrupt = new ArrayList<>();
    BackupReader.OpenBackup usable = null;
    int shardsChecked = 0;
    long bytesChecked = 0;
    boolean complete = true;
    for (BackupRecord candidate : catalog.latestVerified(tier, CANDIDATES)) {
      Verification v = verify(candidate, control);
      shardsChecked += v.shards();
      bytesChecked += v.bytes();
      if (v.problem() != null) {
        catalog.markCorrupt(candidate.id(), v.problem());
        corrupt.add(candidate.id().toString());
        problems.add(RecoveryAlerts.corrupt(candidate.id(), v.problem()));
        continue;
      }
      complete = v.complete();
      usable = v.backup();
      break;
    }
    if (usable == null) {
      problems.add(RecoveryAlerts.missing(tier));
      return new TierHealth(
          tier.wire(),
          overall(problems),
          null,
          null,
          null,
          false,
          false,
          shardsChecked,
          bytesChecked,
          List.of(),
          corrupt,
          problems);
    }
    if (!complete) {
      problems.add(RecoveryAlerts.unverified(usable.id()));
    }
    Instant snapshot = usable.manifest().snapshotTime();
    Duration age = Duration.between(snapshot, now);
    boolean fresh = age.compareTo(tier.maxAge()) <= 0;
    if (!fresh) {
      problems.add(RecoveryAlerts.stale(tier, usable.id(), age));
    }
    List<CollectionCount> counts = new ArrayList<>();
    List<String> implausible = new ArrayList<>();
    for (Manifest.CollectionEntry entry : usable.manifest().collections()) {
      long live = liveCounts.computeIfAbsent(entry.name(), liveData::count);
      boolean plausible = plausible(entry.documents(), live, tier.countTolerance());
      counts.add(new CollectionCount(entry.name(), entry.documents(), live, plausible));
      if (!plausible) {
        implausible.add(entry.name() + " " + entry.documents() + " backed up vs " + live + " live");
      }
    }
    if (!implausible.isEmpty()) {
      problems.add(RecoveryAlerts.counts(tier, usable.id(), implausible));
    }
    return new TierHealth(
        tier.wire(),
        overall(problems),
        usable.id().toString(),
        snapshot,
        age.toSeconds(),
        fresh,
        complete,
        shardsChecked,
        bytesChecked,
        counts,
        corrupt,
        problems);
  }

  private record Verification(
      BackupReader.OpenBackup backup, String problem, boolean complete, int shards, long bytes) {}

  private Verification verify(BackupRecord candidate, RunControl control) throws IOException {
    BackupReader.OpenBackup backup;
    try {
      backup = reader.open(candidate.id());
    } catch (ApiException e) {
      return new Verification(null, e.getMessage(), false, 0, 0);
    }
    int shards = 0;
    long bytes = 0;
    for (Manifest.CollectionEntry collection : backup.manifest().collections()) {
      for (Manifest.ShardEntry shard : collection.shards()) {
        if (control.remaining().compareTo(DEADLINE_MARGIN) < 0) {
          return new Verification(backup, null, false, shards, bytes);
        }
        Optional<String> problem = reader.checkShard(shard);
        if (problem.isPresent()) {
          return new Verification(backup, problem.get(), false, shards, bytes);
        }
        shards++;
        bytes += shard.bytes();
      }
    }
    return new Verification(backup, null, true, shards, bytes);
  }

  /**
   * Counts agree within the tier's tolerance (relative to the larger) or within a small absolute
   * slack.
   */
  static boolean plausible(long backup, long live, double tolerance) {
    long difference = Math.abs(live - backup);
    return difference <= COUNT_SLACK || difference <= tolerance * Math.max(live, backup);
  }

  private static String overall(List<Problem> problems) {
    if (problems.stream().anyMatch(p -> p.alertSeverity() == Alerts.Severity.CRITICAL)) {
      return "critical";
    }
    return problems.isEmpty() ? "ok" : "warning";
  }
}

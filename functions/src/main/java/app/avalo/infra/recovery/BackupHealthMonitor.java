package app.avalo.infra.recovery;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.recovery.BackupCatalog.BackupRecord;
import com.google.cloud.firestore.Firestore;
import com.google.gson.Gson;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks every tier's newest verified backup: that it exists and is fresh (hourly under 2 h, daily
 * under 26 h, cold under 32 days, by snapshot time), that its manifest and every shard still match
 * their SHA-256 (each shard re-read as a stream), and that each collection's count is plausible
 * against the live count ({@code count()} aggregation). A backup that fails the check is marked
 * {@code corrupt} — never used again — and the next newest is checked in its place.
 *
 * <p>Problems raise alerts (source {@code recovery}, key {@code backup:{tier}:{problem}}); {@code
 * missing}, {@code stale}, {@code counts} and {@code unverified} resolve by themselves once healthy
 * again, {@code corrupt} stays open for a person to look at. The summary is written to {@code
 * backupHealth/latest} and kept as {@code backupHealth/{checkedAt}}.
 */
final class BackupHealthMonitor {
  static final String COLLECTION = "backupHealth";

  /** Small collections drift by a few documents without meaning anything. */
  static final long COUNT_SLACK = 50;

  /** How many verified backups of a tier to try when the newest ones turn out corrupt. */
  private static final int CANDIDATES = 3;

  private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(45);
  private static final List<String> SELF_RESOLVING =
      List.of("missing", "stale", "counts", "unverified");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Firestore db;
  private final BackupCatalog catalog;
  private final BackupReader reader;
  private final Alerts alerts;
  private final Clock clock;

  BackupHealthMonitor(
      Firestore db, BackupCatalog catalog, BackupReader reader, Alerts alerts, Clock clock) {
    this.db = db;
    this.catalog = catalog;
    this.reader = reader;
    this.alerts = alerts;
    this.clock = clock;
  }

  /** One problem; {@code severity} is the alert's wire name ({@code critical}, {@code warning}). */
  record Problem(String key, String severity, String message) {
    Problem(String key, Alerts.Severity severity, String message) {
      this(key, severity.wire(), message);
    }

    Alerts.Severity alertSeverity() {
      return Alerts.Severity.valueOf(severity.toUpperCase(Locale.ROOT));
    }
  }

  record CollectionCount(String collection, long backup, long live, boolean plausible) {}

  record TierHealth(
      String tier,
      String status,
      String backupId,
      Instant snapshotTime,
      Long ageSeconds,
      boolean fresh,
      boolean verified,
      int shardsChecked,
      long bytesChecked,
      List<CollectionCount> counts,
      List<String> corruptBackups,
      List<Problem> problems) {}

  record Health(Instant checkedAt, String status, List<TierHealth> tiers) {}

  Health check(RunControl control) throws IOException {
    Instant now = clock.instant();
    Map<String, Long> liveCounts = new HashMap<>();
    List<TierHealth> tiers = new ArrayList<>();
    for (BackupTier tier : BackupTier.values()) {
      control.progress("tier", tier.wire());
      TierHealth health = checkTier(tier, now, liveCounts, control);
      tiers.add(health);
      report(tier, health.problems());
    }
    Health health =
        new Health(
            now, overall(tiers.stream().flatMap(t -> t.problems().stream()).toList()), tiers);
    Map<String, Object> doc = asFirestoreMap(health);
    doc.put("checkedAt", Firestores.timestamp(now));
    Firestores.await(db.collection(COLLECTION).document("latest").set(doc));
    Firestores.await(db.collection(COLLECTION).document(STAMP.format(now)).set(doc));
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
        problems.add(
            new Problem(
                "corrupt",
                Alerts.Severity.CRITICAL,
                "backup " + candidate.id() + " is corrupt and will not be used: " + v.problem()));
        continue;
      }
      complete = v.complete();
      usable = v.backup();
      break;
    }
    if (usable == null) {
      problems.add(
          new Problem(
              "missing",
              Alerts.Severity.CRITICAL,
              "there is no usable verified " + tier.wire() + " backup"));
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
      problems.add(
          new Problem(
              "unverified",
              Alerts.Severity.WARNING,
              "backup "
                  + usable.id()
                  + ": not every shard could be re-hashed before the deadline"));
    }
    Instant snapshot = usable.manifest().snapshotTime();
    Duration age = Duration.between(snapshot, now);
    boolean fresh = age.compareTo(tier.maxAge()) <= 0;
    if (!fresh) {
      problems.add(
          new Problem(
              "stale",
              Alerts.Severity.CRITICAL,
              "the newest "
                  + tier.wire()
                  + " backup ("
                  + usable.id()
                  + ") is "
                  + age.toHours()
                  + " h old; it must be younger than "
                  + tier.maxAge().toHours()
                  + " h"));
    }
    List<CollectionCount> counts = new ArrayList<>();
    List<String> implausible = new ArrayList<>();
    for (Manifest.CollectionEntry entry : usable.manifest().collections()) {
      long live =
          liveCounts.computeIfAbsent(
              entry.name(), name -> Firestores.await(db.collection(name).count().get()).getCount());
      boolean plausible = plausible(entry.documents(), live, tier.countTolerance());
      counts.add(new CollectionCount(entry.name(), entry.documents(), live, plausible));
      if (!plausible) {
        implausible.add(entry.name() + " " + entry.documents() + " backed up vs " + live + " live");
      }
    }
    if (!implausible.isEmpty()) {
      problems.add(
          new Problem(
              "counts",
              Alerts.Severity.WARNING,
              "backup "
                  + usable.id()
                  + " counts differ from live data more than "
                  + Math.round(tier.countTolerance() * 100)
                  + "%: "
                  + String.join("; ", implausible)));
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

  private void report(BackupTier tier, List<Problem> problems) {
    Map<String, Problem> byKey = new LinkedHashMap<>();
    problems.forEach(
        p ->
            byKey.merge(
                p.key(),
                p,
                (a, b) -> new Problem(a.key(), a.severity(), a.message() + "; " + b.message())));
    for (Problem problem : byKey.values()) {
      alerts.raise(
          "recovery",
          alertKey(tier, problem.key()),
          problem.alertSeverity(),
          problem.message(),
          Map.of("tier", tier.wire()));
    }
    for (String key : SELF_RESOLVING) {
      if (!byKey.containsKey(key)) {
        alerts.resolve("recovery", alertKey(tier, key), "monitorBackupHealth", "healthy again");
      }
    }
  }

  static String alertKey(BackupTier tier, String problem) {
    return "backup:" + tier.wire() + ":" + problem;
  }

  private static String overall(List<Problem> problems) {
    if (problems.stream().anyMatch(p -> p.alertSeverity() == Alerts.Severity.CRITICAL)) {
      return "critical";
    }
    return problems.isEmpty() ? "ok" : "warning";
  }

  /** The health as plain maps/lists/strings/numbers, which Firestore stores as they are. */
  private static Map<String, Object> asFirestoreMap(Health health) {
    return PLAIN.fromJson(
        PLAIN.toJsonTree(health), new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
  }

  /** Whole numbers stay longs (Gson's default would turn every number into a double). */
  private static final Gson PLAIN =
      Json.GSON.newBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();
}

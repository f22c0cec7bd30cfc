package app.avalo.infra.recovery;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup's identity: its tier and scheduled time, e.g. {@code hourly-20260131T140000Z}. Derived,
 * never random, so a re-delivered or retried run of the same schedule writes the same objects
 * (overwriting its own partial shards) instead of a second backup. It is also the Firestore
 * document id in {@code backups} and the folder of the backup's objects in the bucket.
 */
record BackupId(BackupTier tier, Instant scheduledFor) {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern FORMAT = Pattern.compile("(hourly|daily|cold)-(\\d{8}T\\d{6}Z)");

  /** Where all backups live in the bucket. */
  static final String ROOT = "backups/";

  BackupId {
    scheduledFor = scheduledFor.truncatedTo(ChronoUnit.SECONDS);
  }

  static BackupId of(BackupTier tier, Instant scheduledFor) {
    return new BackupId(tier, scheduledFor);
  }

  /** Parses an id; empty when it is not one (the caller names the field in its error). */
  static Optional<BackupId> parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Instant at =
          LocalDateTime.parse(m.group(2), DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
              .toInstant(ZoneOffset.UTC);
      return Optional.of(new BackupId(BackupTier.fromWire(m.group(1)), at));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /** The folder of this backup's objects, ending in a slash. */
  String prefix() {
    return ROOT + tier.wire() + "/" + this + "/";
  }

  String manifestObject() {
    return prefix() + "manifest.json";
  }

  /** Where the run holding {@code fencingToken} writes its shards. */
  String runPrefix(long fencingToken) {
    return prefix() + "g" + fencingToken + "/";
  }

  /**
   * A shard's object, under the writing run's fencing token: a run that lost its lease can never
   * overwrite a shard of the run that took over (the manifest names the shards it uses).
   */
  String shardObject(String collection, int partition, long fencingToken) {
    return runPrefix(fencingToken)
        + collection
        + "/part-"
        + String.format("%05d", partition)
        + ".ndjson.gz";
  }

  @Override
  public String toString() {
    return tier.wire() + "-" + STAMP.format(scheduledFor);
  }
}

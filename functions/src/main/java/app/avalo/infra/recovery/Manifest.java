package app.avalo.infra.recovery;

import app.avalo.infra.platform.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a backup holds, written as {@code manifest.json} after every shard is committed: per
 * collection its owner key, partition count and per shard the object, document count, byte size and
 * SHA-256 of the stored (compressed) bytes. A backup without a manifest does not exist; a shard
 * whose bytes do not match the manifest is never used.
 *
 * @param consistency how consistent the snapshot is: {@code point-in-time} when every read used
 *     {@code snapshotTime} as its read time, {@code per-document} where read times are ignored (the
 *     local emulator)
 */
record Manifest(
    String format,
    String backupId,
    String tier,
    Instant scheduledFor,
    Instant snapshotTime,
    String consistency,
    Instant startedAt,
    Instant completedAt,
    String partitioning,
    String encoding,
    List<CollectionEntry> collections,
    long documents,
    long bytes,
    int shards) {

  static final String FORMAT = "avalo-backup/1";
  static final String ENCODING = "ndjson+gzip; values tagged per DocumentCodec";

  record CollectionEntry(
      String name,
      String ownerKey,
      int partitions,
      long documents,
      long unownedDocuments,
      long bytes,
      List<ShardEntry> shards) {

    ShardEntry shard(int partition) {
      ShardEntry shard = shards.get(partition);
      if (shard.partition() != partition) {
        throw new IllegalStateException("manifest lists shards out of order");
      }
      return shard;
    }
  }

  /**
   * One stored shard. {@code crc32c} is base64 of the big-endian CRC32C, the form Cloud Storage
   * reports in object metadata, so a listing can check every shard without downloading it.
   */
  record ShardEntry(
      int partition, String object, long documents, long bytes, String sha256, String crc32c) {}

  /** Documents per collection, in backup order. */
  Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    collections.forEach(c -> counts.put(c.name(), c.documents()));
    return counts;
  }

  Optional<CollectionEntry> collection(String name) {
    return collections.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  byte[] toBytes() {
    return Json.GSON.toJson(this).getBytes(StandardCharsets.UTF_8);
  }

  /** Parses and checks a manifest's shape; throws IllegalArgumentException when it is not one. */
  static Manifest parse(byte[] bytes) {
    Manifest m;
    try {
      m = Json.GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), Manifest.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("manifest is not valid JSON: " + e.getMessage(), e);
    }
    if (m == null
        || !FORMAT.equals(m.format())
        || m.backupId() == null
        || m.snapshotTime() == null
        || m.collections() == null
        || !Partitioner.SCHEME.equals(m.partitioning())) {
      throw new IllegalArgumentException("manifest is not in format " + FORMAT);
    }
    for (CollectionEntry c : m.collections()) {
      if (c.shards() == null || c.partitions() < 1 || c.shards().size() != c.partitions()) {
        throw new IllegalArgumentException(
            "manifest lists " + c.name() + " with a shard count unlike its partitions");
      }
      for (int i = 0; i < c.partitions(); i++) {
        ShardEntry s = c.shards().get(i);
        if (s.partition() != i || s.object() == null || s.sha256() == null) {
          throw new IllegalArgumentException(
              "manifest shard " + i + " of " + c.name() + " is incomplete");
        }
      }
    }
    return m;
  }
}

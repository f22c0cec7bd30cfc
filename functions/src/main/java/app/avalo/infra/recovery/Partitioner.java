package app.avalo.infra.recovery;

import app.avalo.infra.platform.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Maps an owner key to a shard: the first four bytes of SHA-256 of its UTF-8 bytes, unsigned,
 * modulo the collection's partition count. SHA-256 because it is specified byte for byte (the
 * mapping must never change between the writer and a recovery years later) and is in every JDK.
 * Documents with no owner go to partition 0.
 */
final class Partitioner {
  /** Recorded in the manifest, so a reader knows how the shards were cut. */
  static final String SCHEME = "sha256-u32-mod";

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::digest);

  private Partitioner() {}

  /** Picks the number of partitions for a collection of {@code documents} documents. */
  static int partitionsFor(long documents, int targetDocsPerShard, int maxPartitions) {
    long wanted = (documents + targetDocsPerShard - 1) / targetDocsPerShard;
    return (int) Math.max(1, Math.min(maxPartitions, wanted));
  }

  static int partitionOf(String owner, int partitions) {
    if (owner == null || partitions == 1) {
      return 0;
    }
    byte[] hash = DIGEST.get().digest(owner.getBytes(StandardCharsets.UTF_8));
    long u32 =
        ((hash[0] & 0xffL) << 24)
            | ((hash[1] & 0xffL) << 16)
            | ((hash[2] & 0xffL) << 8)
            | (hash[3] & 0xffL);
    return (int) (u32 % partitions);
  }
}

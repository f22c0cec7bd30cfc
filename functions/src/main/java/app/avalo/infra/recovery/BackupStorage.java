package app.avalo.infra.recovery;

import app.avalo.infra.platform.Sha256;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The backup bucket: streaming object writes (small upload chunks, so many shards can be open at
 * once without holding much memory), verified reads, listing and deletion by prefix.
 *
 * <p>Objects are written without {@code Content-Encoding: gzip}: with it, Cloud Storage may
 * decompress on download and the bytes read back would no longer match the recorded checksum.
 */
final class BackupStorage implements ShardSink {
  /** Resumable-upload chunk: the smallest Cloud Storage accepts, to bound memory per open shard. */
  private static final int UPLOAD_CHUNK_BYTES = 256 * 1024;

  private static final int NOT_FOUND = 404;
  private static final int DELETE_PARALLELISM = 8;

  private final Storage storage;
  private final String bucket;

  BackupStorage(Storage storage, String bucket) {
    this.storage = storage;
    this.bucket = bucket;
  }

  String bucket() {
    return bucket;
  }

  @Override
  public OutputStream create(String object, StorageClass storageClass, String contentType) {
    BlobInfo info =
        BlobInfo.newBuilder(BlobId.of(bucket, object))
            .setStorageClass(storageClass)
            .setContentType(contentType)
            .build();
    WriteChannel channel = storage.writer(info);
    channel.setChunkSize(UPLOAD_CHUNK_BYTES);
    return Channels.newOutputStream(channel);
  }

  /** Writes a small object in one request. */
  void put(String object, byte[] bytes, StorageClass storageClass, String contentType) {
    BlobInfo info =
        BlobInfo.newBuilder(BlobId.of(bucket, object))
            .setStorageClass(storageClass)
            .setContentType(contentType)
            .build();
    storage.create(info, bytes);
  }

  /** The whole object, or empty when it does not exist. */
  Optional<byte[]> read(String object) {
    try {
      return Optional.of(storage.readAllBytes(BlobId.of(bucket, object)));
    } catch (StorageException e) {
      if (e.getCode() == NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Metadata of an object, or empty when it does not exist. */
  Optional<Blob> metadata(String object) {
    return Optional.ofNullable(storage.get(BlobId.of(bucket, object)));
  }

  /** Size and SHA-256 of an object, read as a stream (never whole in memory); empty if missing. */
  Optional<Digest> digest(String object) throws IOException {
    if (metadata(object).isEmpty()) {
      return Optional.empty();
    }
    MessageDigest sha = Sha256.digest();
    long size = 0;
    try (ReadChannel channel = storage.reader(BlobId.of(bucket, object));
        InputStream in = Channels.newInputStream(channel)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
        size += n;
      }
    }
    return Optional.of(new Digest(size, HexFormat.of().formatHex(sha.digest())));
  }

  record Digest(long bytes, String sha256) {}

  /** The objects under a prefix, with their metadata (size, CRC32C). */
  List<Blob> listBlobs(String prefix) {
    List<Blob> blobs = new ArrayList<>();
    for (Blob blob : storage.list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
      blobs.add(blob);
    }
    return blobs;
  }

  /**
   * Deletes everything under a backup's prefix, the manifest first: from its first step on the
   * backup no longer exists, so a deletion stopped half-way never leaves a usable-looking backup.
   */
  int deleteBackupObjects(BackupId id) {
    int deleted = storage.delete(BlobId.of(bucket, id.manifestObject())) ? 1 : 0;
    return deleted + deleteUnder(id.prefix());
  }

  /** Deletes every object under {@code prefix}; returns how many there were. */
  int deleteUnder(String prefix) {
    int deleted = 0;
    List<String> names = listBlobs(prefix).stream().map(Blob::getName).toList();
    // One request per object (batch deletes are not available everywhere, e.g. the local fake),
    // a few at a time: a backup can have thousands of shards.
    ExecutorService pool = Executors.newFixedThreadPool(DELETE_PARALLELISM);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (String name : names) {
        results.add(pool.submit(() -> storage.delete(BlobId.of(bucket, name))));
      }
      for (Future<Boolean> result : results) {
        if (result.get()) {
          deleted++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deleting " + prefix, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return deleted;
  }
}

package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Status;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Fencing for backup writers: {@code backupFences/{backupId}} holds the fencing token (the job's
 * lease generation) of the run that owns the backup. A run takes the fence when it starts — only
 * with a token at least the fence's — and checks it before it opens and before it commits every
 * shard and the manifest, and before it records the backup's state. A run that timed out and kept
 * going (its lease expired, a retry took a newer one) is stopped at its next write with ABORTED,
 * and its shards are under its own token's prefix ({@link BackupId#shardObject}), so it cannot
 * overwrite the retry's backup.
 */
final class BackupFence {
  static final String COLLECTION = "backupFences";
  private static final String GENERATION = "generation";

  private final Firestore db;

  BackupFence(Firestore db) {
    this.db = db;
  }

  /** Makes {@code token} the backup's owner; ABORTED when a newer run already owns it. */
  void take(BackupId id, long token) {
    DocumentReference ref = ref(id);
    Firestores.await(
        db.runTransaction(
            tx -> {
              DocumentSnapshot fence = tx.get(ref).get();
              long owner = ownerOf(fence);
              if (owner > token) {
                throw fenced(id, token, owner);
              }
              tx.set(ref, Map.of(GENERATION, token, "backupId", id.toString()));
              return null;
            }));
  }

  /** ABORTED unless {@code token} still owns the backup. */
  void check(BackupId id, long token) {
    long owner = ownerOf(Firestores.await(ref(id).get()));
    if (owner != token) {
      throw fenced(id, token, owner);
    }
  }

  /** Whether {@code e} is a run being stopped by its fence. */
  static boolean isFenced(Throwable e) {
    return e instanceof ApiException api
        && api.status() == Status.ABORTED
        && api.details() instanceof Map<?, ?> details
        && details.containsKey("fencedBy");
  }

  /** {@code sink}, checking the fence before each object is opened and before it is committed. */
  ShardSink guard(ShardSink sink, BackupId id, long token) {
    return (object, storageClass, contentType) -> {
      check(id, token);
      return new FilterOutputStream(sink.create(object, storageClass, contentType)) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          check(id, token); // closing commits the object
          super.close();
        }
      };
    };
  }

  private static long ownerOf(DocumentSnapshot fence) {
    Long generation = fence.exists() ? fence.getLong(GENERATION) : null;
    return generation == null ? Long.MIN_VALUE : generation;
  }

  private static ApiException fenced(BackupId id, long token, long owner) {
    return new ApiException(
        Status.ABORTED,
        "backup "
            + id
            + ": this run (lease generation "
            + token
            + ") was fenced off by a newer run (generation "
            + owner
            + "); it writes nothing more",
        Map.of("fencedBy", owner, "generation", token));
  }

  private DocumentReference ref(BackupId id) {
    return db.collection(COLLECTION).document(id.toString());
  }
}

package app.avalo.infra.platform;

import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.WriteBatch;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counters that many writers bump at once: each increment lands on one of {@code shards} documents
 * ({@code {collection}/{counterId}/shards/{n}}) as an atomic server-side increment, and a read sums
 * the shards. Totals are exact; sustained capacity is about one write per second per shard, so size
 * {@code shards} to the expected rate.
 *
 * <p>Field names must be flat (no dots): they are counted as top-level fields.
 */
public final class ShardedCounter {
  public static final String SHARDS = "shards";
  private final Firestore db;
  private final String collection;
  private final int shards;
  // Round-robin from a random start: one instance spreads its writes evenly over the shards
  // (random picks would put some shards well above the average), and instances don't move in step.
  private final AtomicInteger nextShard =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));

  public ShardedCounter(Firestore db, String collection, int shards) {
    if (shards < 1 || shards > 1000) {
      throw new IllegalArgumentException("shards must be 1-1000");
    }
    this.db = db;
    this.collection = collection;
    this.shards = shards;
  }

  public int shards() {
    return shards;
  }

  /** Adds {@code deltas} to the counter, waiting for the write. */
  public void increment(String counterId, Map<String, ? extends Number> deltas) {
    WriteBatch batch = db.batch();
    incrementIn(batch, counterId, deltas, Map.of());
    Firestores.await(batch.commit());
  }

  /**
   * Adds the increment to {@code batch}, so it commits atomically with the caller's other writes.
   * {@code labels} are plain fields set on the shard (e.g. the period or service), handy for
   * queries.
   */
  public void incrementIn(
      WriteBatch batch,
      String counterId,
      Map<String, ? extends Number> deltas,
      Map<String, Object> labels) {
    Map<String, Object> update = new HashMap<>(labels);
    deltas.forEach(
        (field, delta) -> {
          if (field.contains(".")) {
            throw new IllegalArgumentException("counter field names must be flat: " + field);
          }
          update.put(
              field,
              delta instanceof Double || delta instanceof Float
                  ? FieldValue.increment(delta.doubleValue())
                  : FieldValue.increment(delta.longValue()));
        });
    int shard = Math.floorMod(nextShard.getAndIncrement(), shards);
    batch.set(shardsOf(counterId).document(Integer.toString(shard)), update, SetOptions.merge());
  }

  /** The counter's totals: each numeric field summed over all shards (absent fields are absent). */
  public Map<String, Long> read(String counterId) {
    Map<String, Long> totals = new TreeMap<>();
    for (QueryDocumentSnapshot shard : Firestores.await(shardsOf(counterId).get()).getDocuments()) {
      shard
          .getData()
          .forEach(
              (field, value) -> {
                if (value instanceof Long n) {
                  totals.merge(field, n, Long::sum);
                }
              });
    }
    return totals;
  }

  /**
   * One shard's document. Shard paths are fixed ({@code 0..shards-1}), so readers that batch many
   * counters into one {@code getAll} and cleanups that cannot list subcollections address them
   * directly.
   */
  public DocumentReference shard(String counterId, int shard) {
    if (shard < 0 || shard >= shards) {
      throw new IllegalArgumentException("shard must be 0-" + (shards - 1));
    }
    return shardsOf(counterId).document(Integer.toString(shard));
  }

  private CollectionReference shardsOf(String counterId) {
    return db.collection(collection).document(counterId).collection(SHARDS);
  }
}

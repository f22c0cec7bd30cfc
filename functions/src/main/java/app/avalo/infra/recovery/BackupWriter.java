package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Status;
import com.google.api.core.ApiFuture;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.AggregateQuery;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import com.google.cloud.firestore.TransactionOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one backup: every critical collection, read page by page in document-id order at one read
 * time, streamed into gzipped NDJSON shards partitioned by owner, then the manifest — last, so a
 * backup that stops anywhere before has no manifest and does not exist.
 *
 * <p>Memory stays bounded whatever the data size: one collection at a time, one page in hand (the
 * next one is already being fetched), and per open shard only its compressor and a 256 KiB upload
 * chunk.
 *
 * <p>Consistency: on Firestore every page and count is read in a read-only transaction at {@code
 * snapshotTime}, so the whole backup — across collections — is one point-in-time snapshot, provided
 * it finishes within {@link RecoveryConfig#maxSnapshotAge()} (Firestore keeps old versions for an
 * hour; beyond an hour a whole-minute {@code snapshotTime}, see {@link PointInTime}). Against the
 * local emulator the backup reads the live documents instead: the tests run backups on a fake
 * clock, which no read time can be taken from (the emulator keeps a bounded version history in real
 * time, for {@code recover*} with {@code asOf}). There each document is read as it is when its page
 * is read, and the manifest says {@code per-document}.
 */
final class BackupWriter {
  /** Stop early enough that the run can still record its failure before the function's deadline. */
  private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(45);

  private final Firestore db;
  private final ShardSink sink;
  private final BackupFence fence;
  private final RecoveryConfig config;
  private final boolean readTimeHonoured;
  private final Clock clock;

  BackupWriter(
      Firestore db,
      ShardSink sink,
      BackupFence fence,
      RecoveryConfig config,
      boolean readTimeHonoured,
      Clock clock) {
    this.db = db;
    this.sink = sink;
    this.fence = fence;
    this.config = config;
    this.readTimeHonoured = readTimeHonoured;
    this.clock = clock;
  }

  /** A written backup: its manifest and the SHA-256 of the manifest's bytes. */
  record Written(Manifest manifest, String manifestSha256) {}

  Written write(BackupId id, Instant snapshotTime, RunControl control) throws IOException {
    Instant startedAt = clock.instant();
    ShardSink fenced = fence.guard(sink, id, control.fencingToken());
    List<Manifest.CollectionEntry> collections = new ArrayList<>();
    long documents = 0;
    long bytes = 0;
    int shards = 0;
    for (CriticalCollection collection : CriticalCollection.values()) {
      control.progress("collection", collection.collection());
      Manifest.CollectionEntry entry =
          writeCollection(id, collection, snapshotTime, control, fenced);
      collections.add(entry);
      documents += entry.documents();
      bytes += entry.bytes();
      shards += entry.partitions();
      control.progress("documents", documents);
    }
    Manifest manifest =
        new Manifest(
            Manifest.FORMAT,
            id.toString(),
            id.tier().wire(),
            id.scheduledFor(),
            snapshotTime,
            readTimeHonoured ? "point-in-time" : "per-document",
            startedAt,
            clock.instant(),
            Partitioner.SCHEME,
            Manifest.ENCODING,
            List.copyOf(collections),
            documents,
            bytes,
            shards);
    byte[] json = manifest.toBytes();
    try (OutputStream out =
        fenced.create(id.manifestObject(), id.tier().storageClass(), "application/json")) {
      out.write(json);
    }
    return new Written(manifest, ShardReader.sha256(json));
  }

  private Manifest.CollectionEntry writeCollection(
      BackupId id,
      CriticalCollection collection,
      Instant snapshotTime,
      RunControl control,
      ShardSink fenced)
      throws IOException {
    TransactionOptions atSnapshot = readOnlyAt(snapshotTime);
    AggregateQuery count = db.collection(collection.collection()).count();
    long expected =
        Firestores.await(
                readTimeHonoured
                    ? db.runAsyncTransaction(tx -> tx.get(count), atSnapshot)
                    : count.get())
            .getCount();
    int partitions =
        Partitioner.partitionsFor(expected, config.targetDocsPerShard(), config.maxPartitions());
    List<ShardWriter> shards = new ArrayList<>(partitions);
    long unowned = 0;
    try {
      for (int p = 0; p < partitions; p++) {
        String object = id.shardObject(collection.collection(), p, control.fencingToken());
        shards.add(
            new ShardWriter(
                fenced.create(object, id.tier().storageClass(), "application/gzip"), p, object));
      }
      Query base =
          db.collection(collection.collection())
              .orderBy(FieldPath.documentId())
              .limit(config.pageSize());
      ApiFuture<QuerySnapshot> next = readPage(base, atSnapshot);
      while (next != null) {
        List<QueryDocumentSnapshot> page = Firestores.await(next).getDocuments();
        next =
            page.size() == config.pageSize()
                ? readPage(base.startAfter(page.get(page.size() - 1)), atSnapshot)
                : null;
        for (QueryDocumentSnapshot doc : page) {
          String owner = collection.ownerOf(doc);
          if (owner == null) {
            unowned++;
          }
          DocumentRecord record =
              new DocumentRecord(collection.collection(), doc.getId(), owner, doc.getData());
          shards.get(Partitioner.partitionOf(owner, partitions)).write(record);
        }
        checkTime(snapshotTime, control);
      }
      List<Manifest.ShardEntry> entries = new ArrayList<>(partitions);
      long documents = 0;
      long bytes = 0;
      for (ShardWriter shard : shards) {
        Manifest.ShardEntry entry = shard.finish();
        entries.add(entry);
        documents += entry.documents();
        bytes += entry.bytes();
      }
      return new Manifest.CollectionEntry(
          collection.collection(),
          collection.ownerKeyDescription(),
          partitions,
          documents,
          unowned,
          bytes,
          List.copyOf(entries));
    } catch (IOException | RuntimeException | Error e) {
      for (ShardWriter shard : shards) {
        try {
          shard.close();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private ApiFuture<QuerySnapshot> readPage(Query query, TransactionOptions atSnapshot) {
    return readTimeHonoured ? db.runAsyncTransaction(tx -> tx.get(query), atSnapshot) : query.get();
  }

  private void checkTime(Instant snapshotTime, RunControl control) {
    if (control.remaining().compareTo(DEADLINE_MARGIN) < 0) {
      throw new ApiException(
          Status.DEADLINE_EXCEEDED,
          "backup stopped before the function's deadline; "
              + "the partial backup has no manifest and will be overwritten by the next attempt");
    }
    if (Duration.between(snapshotTime, clock.instant()).compareTo(config.maxSnapshotAge()) > 0) {
      throw ApiException.failedPrecondition(
          "backup ran longer than the read-time window ("
              + config.maxSnapshotAge().toSeconds()
              + " s); raise BACKUP_MAX_SNAPSHOT_AGE_SECONDS only with "
              + "point-in-time recovery enabled");
    }
  }

  static TransactionOptions readOnlyAt(Instant readTime) {
    Timestamp t = Firestores.timestamp(readTime);
    return TransactionOptions.createReadOnlyOptionsBuilder().setReadTime(t.toProto()).build();
  }
}

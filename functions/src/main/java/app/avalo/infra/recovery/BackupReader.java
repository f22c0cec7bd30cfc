package app.avalo.infra.recovery;

import app.avalo.infra.platform.ApiException;
import com.google.cloud.firestore.Firestore;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Opens backups for use. Nothing is used unverified: a backup is opened only through its manifest
 * (checked against the index's SHA-256 when the index has one), and an owner's documents come from
 * exactly one shard whose size and SHA-256 must match the manifest before a line is read. Anything
 * that does not match is DATA_LOSS; a backup that is not usable (incomplete, corrupt, being
 * deleted) is FAILED_PRECONDITION; an unknown one is NOT_FOUND.
 */
final class BackupReader {
  private final Firestore db;
  private final BackupStorage storage;
  private final BackupCatalog catalog;

  BackupReader(Firestore db, BackupStorage storage, BackupCatalog catalog) {
    this.db = db;
    this.storage = storage;
    this.catalog = catalog;
  }

  record OpenBackup(BackupId id, Manifest manifest) {}

  /** The newest verified backup of any tier; FAILED_PRECONDITION when there is none. */
  OpenBackup latest() {
    BackupRecord record =
        catalog
            .latestVerified()
            .orElseThrow(
                () ->
                    ApiException.failedPrecondition("there is no verified backup to recover from"));
    return open(record.id());
  }

  /**
   * The newest verified backup of any tier taken at or before {@code asOf}; FAILED_PRECONDITION
   * when there is none.
   */
  OpenBackup latestAtOrBefore(Instant asOf) {
    BackupRecord record =
        catalog
            .latestVerifiedAtOrBefore(asOf)
            .orElseThrow(
                () ->
                    ApiException.failedPrecondition(
                        "there is no verified backup taken at or before " + asOf));
    return open(record.id());
  }

  OpenBackup open(BackupId id) {
    Optional<BackupRecord> record = catalog.get(id);
    if (record.isPresent()) {
      switch (record.get().state()) {
        case VERIFIED -> {}
        case CORRUPT ->
            throw ApiException.failedPrecondition(
                "backup "
                    + id
                    + " failed verification ("
                    + record.get().error()
                    + ") and is never used; choose another backupId");
        case DELETING ->
            throw ApiException.failedPrecondition(
                "backup " + id + " is being deleted by retention");
        case WRITING, FAILED ->
            throw ApiException.failedPrecondition(
                "backup "
                    + id
                    + " is incomplete ("
                    + record.get().state().wire()
                    + "): a backup without a verified manifest cannot be used");
      }
    }
    byte[] bytes =
        storage
            .read(id.manifestObject())
            .orElseThrow(
                () ->
                    record.isPresent()
                        ? ApiException.dataLoss(
                            "the manifest of backup " + id + " is missing from the bucket")
                        : ApiException.notFound("no backup " + id));
    if (record.isPresent() && !ShardReader.sha256(bytes).equals(record.get().manifestSha256())) {
      throw ApiException.dataLoss(
          "the manifest of backup " + id + " does not match its recorded SHA-256");
    }
    Manifest manifest;
    try {
      manifest = Manifest.parse(bytes);
    } catch (IllegalArgumentException e) {
      throw ApiException.dataLoss("backup " + id + ": " + e.getMessage());
    }
    if (!manifest.backupId().equals(id.toString())) {
      throw ApiException.dataLoss("backup " + id + " has the manifest of " + manifest.backupId());
    }
    return new OpenBackup(id, manifest);
  }

  /** One owner's documents in one collection, read from the single shard that holds them. */
  List<DocumentRecord> ownerDocuments(
      OpenBackup backup, CriticalCollection collection, String owner) {
    Manifest.CollectionEntry entry =
        backup
            .manifest()
            .collection(collection.collection())
            .orElseThrow(
                () ->
                    ApiException.dataLoss(
                        "backup " + backup.id() + " has no " + collection.collection()));
    Manifest.ShardEntry shard = entry.shard(Partitioner.partitionOf(owner, entry.partitions()));
    byte[] bytes =
        storage
            .read(shard.object())
            .orElseThrow(
                () ->
                    ApiException.dataLoss(
                        "shard " + shard.object() + " of backup " + backup.id() + " is missing"));
    if (!ShardReader.matches(bytes, shard.bytes(), shard.sha256())) {
      throw ApiException.dataLoss(
          "shard "
              + shard.object()
              + " of backup "
              + backup.id()
              + " fails its SHA-256 check: the stored bytes are not what was backed up. Nothing was"
              + " restored; choose another backupId");
    }
    ShardReader.Decoded decoded;
    try {
      decoded =
          ShardReader.decode(
              bytes,
              db,
              header -> {
                if (!header.collection().equals(collection.collection())) {
                  throw new DocumentCodec.MalformedLineException(
                      "a "
                          + header.collection()
                          + " document in a "
                          + collection.collection()
                          + " shard");
                }
                return owner.equals(header.owner());
              });
    } catch (IOException | DocumentCodec.MalformedLineException e) {
      throw ApiException.dataLoss(
          "shard "
              + shard.object()
              + " of backup "
              + backup.id()
              + " cannot be decoded: "
              + e.getMessage());
    }
    if (decoded.lines() != shard.documents()) {
      throw ApiException.dataLoss(
          "shard "
              + shard.object()
              + " of backup "
              + backup.id()
              + " has "
              + decoded.lines()
              + " documents, its manifest says "
              + shard.documents());
    }
    return decoded.documents();
  }

  /** Re-reads one shard as a stream and checks it against the manifest; empty when it matches. */
  Optional<String> checkShard(Manifest.ShardEntry shard) throws IOException {
    Optional<BackupStorage.Digest> digest = storage.digest(shard.object());
    if (digest.isEmpty()) {
      return Optional.of("shard " + shard.object() + " is missing");
    }
    if (digest.get().bytes() != shard.bytes() || !digest.get().sha256().equals(shard.sha256())) {
      return Optional.of("shard " + shard.object() + " fails its SHA-256 check");
    }
    return Optional.empty();
  }
}

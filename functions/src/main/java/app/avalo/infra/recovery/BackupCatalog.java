package app.avalo.infra.recovery;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The index of backups in Firestore, {@code backups/{backupId}} ({@link BackupRecordCodec}): what
 * exists, in which {@link BackupState}, and the SHA-256 of each verified manifest (so a manifest
 * replaced in the bucket is detected). The bucket stays the source of truth — a backup is used only
 * after its manifest and shards verify — but the index makes "latest verified backup" one query.
 */
final class BackupCatalog {
  static final String COLLECTION = "backups";

  private final Firestore db;
  private final Clock clock;

  BackupCatalog(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  Optional<BackupRecord> get(BackupId id) {
    DocumentSnapshot doc = Firestores.await(ref(id).get());
    return doc.exists() ? Optional.of(BackupRecordCodec.fromDoc(doc)) : Optional.empty();
  }

  /** Starts (or restarts) writing a backup; a retry of a failed run counts its attempts. */
  void markWriting(BackupId id, String bucket, Instant snapshotTime) {
    long attempts = BackupRecordCodec.attempts(Firestores.await(ref(id).get()));
    Firestores.await(
        ref(id)
            .set(
                BackupRecordCodec.writing(
                    id, bucket, snapshotTime, clock.instant(), attempts + 1)));
  }

  void markVerified(BackupId id, BackupWriter.Written written) {
    Firestores.await(ref(id).update(BackupRecordCodec.verified(written, clock.instant())));
  }

  void markFailed(BackupId id, String error) {
    Firestores.await(
        ref(id).update(BackupRecordCodec.ended(BackupState.FAILED, error, clock.instant())));
  }

  /** A verified backup found damaged: it stays for inspection but is never used again. */
  void markCorrupt(BackupId id, String reason) {
    Firestores.await(
        ref(id).update(BackupRecordCodec.ended(BackupState.CORRUPT, reason, clock.instant())));
  }

  void markDeleting(BackupId id) {
    Firestores.await(ref(id).update(BackupRecordCodec.deleting(clock.instant())));
  }

  void delete(BackupId id) {
    Firestores.await(ref(id).delete());
  }

  /** The newest verified backups of a tier by snapshot time, newest first. */
  List<BackupRecord> latestVerified(BackupTier tier, int limit) {
    return records(
        db.collection(COLLECTION)
            .whereEqualTo(BackupRecordCodec.TIER, tier.wire())
            .whereEqualTo(BackupRecordCodec.STATUS, BackupState.VERIFIED.wire())
            .orderBy(BackupRecordCodec.SNAPSHOT_TIME, Query.Direction.DESCENDING)
            .limit(limit));
  }

  Optional<BackupRecord> latestVerified(BackupTier tier) {
    return latestVerified(tier, 1).stream().findFirst();
  }

  /** The newest verified backup of any tier. */
  Optional<BackupRecord> latestVerified() {
    List<BackupRecord> latest = new ArrayList<>();
    for (BackupTier tier : BackupTier.values()) {
      latestVerified(tier).ifPresent(latest::add);
    }
    return latest.stream().max(Comparator.comparing(BackupRecord::snapshotTime));
  }

  /** The newest verified backup of any tier whose snapshot is at or before {@code asOf}. */
  Optional<BackupRecord> latestVerifiedAtOrBefore(Instant asOf) {
    List<BackupRecord> latest = new ArrayList<>();
    for (BackupTier tier : BackupTier.values()) {
      latest.addAll(
          records(
              db.collection(COLLECTION)
                  .whereEqualTo(BackupRecordCodec.TIER, tier.wire())
                  .whereEqualTo(BackupRecordCodec.STATUS, BackupState.VERIFIED.wire())
                  .whereLessThanOrEqualTo(
                      BackupRecordCodec.SNAPSHOT_TIME, Firestores.timestamp(asOf))
                  .orderBy(BackupRecordCodec.SNAPSHOT_TIME, Query.Direction.DESCENDING)
                  .limit(1)));
    }
    return latest.stream().max(Comparator.comparing(BackupRecord::snapshotTime));
  }

  /**
   * Every indexed backup of a tier (retention keeps this to a few hundred), newest scheduled first.
   */
  List<BackupRecord> all(BackupTier tier) {
    List<BackupRecord> records =
        records(db.collection(COLLECTION).whereEqualTo(BackupRecordCodec.TIER, tier.wire()));
    records.sort(Comparator.comparing((BackupRecord r) -> r.id().scheduledFor()).reversed());
    return records;
  }

  private static List<BackupRecord> records(Query query) {
    List<BackupRecord> records = new ArrayList<>();
    for (QueryDocumentSnapshot doc : Firestores.await(query.get()).getDocuments()) {
      records.add(BackupRecordCodec.fromDoc(doc));
    }
    return records;
  }

  private DocumentReference ref(BackupId id) {
    return db.collection(COLLECTION).document(id.toString());
  }
}

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The index of backups in Firestore, {@code backups/{backupId}}: what exists, in which state, and
 * the SHA-256 of each verified manifest (so a manifest replaced in the bucket is detected). The
 * bucket stays the source of truth — a backup is used only after its manifest and shards verify —
 * but the index makes "latest verified backup" one query.
 *
 * <p>Status: {@code writing} (a run is writing it, or crashed doing so), {@code failed} (a run
 * failed; no manifest), {@code verified} (manifest written and checked against the stored objects),
 * {@code corrupt} (a later check found it damaged; never used), {@code deleting} (retention is
 * removing it).
 */
final class BackupCatalog {
  static final String COLLECTION = "backups";

  enum State {
    WRITING,
    FAILED,
    VERIFIED,
    CORRUPT,
    DELETING
  }

  /** One backup as the index knows it. */
  record BackupRecord(
      BackupId id,
      State state,
      Instant snapshotTime,
      Instant completedAt,
      String manifestSha256,
      long documents,
      long bytes,
      long shards,
      String consistency,
      String error) {}

  private final Firestore db;
  private final Clock clock;

  BackupCatalog(Firestore db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  Optional<BackupRecord> get(BackupId id) {
    DocumentSnapshot doc = Firestores.await(ref(id).get());
    return doc.exists() ? Optional.of(record(doc)) : Optional.empty();
  }

  /** Starts (or restarts) writing a backup; a retry of a failed run counts its attempts. */
  void markWriting(BackupId id, String bucket, Instant snapshotTime) {
    DocumentSnapshot existing = Firestores.await(ref(id).get());
    Long attempts = existing.exists() ? existing.getLong("attempts") : null;
    Map<String, Object> doc = new HashMap<>();
    doc.put("backupId", id.toString());
    doc.put("tier", id.tier().wire());
    doc.put("status", wire(State.WRITING));
    doc.put("scheduledFor", Firestores.timestamp(id.scheduledFor()));
    doc.put("snapshotTime", Firestores.timestamp(snapshotTime));
    doc.put("startedAt", Firestores.timestamp(clock.instant()));
    doc.put("attempts", attempts == null ? 1L : attempts + 1);
    doc.put("bucket", bucket);
    doc.put("prefix", id.prefix());
    doc.put("manifestObject", id.manifestObject());
    doc.put("storageClass", id.tier().storageClass().name());
    Firestores.await(ref(id).set(doc));
  }

  void markVerified(BackupId id, BackupWriter.Written written) {
    Manifest m = written.manifest();
    Map<String, Object> counts = new LinkedHashMap<>();
    m.collections().forEach(c -> counts.put(c.name(), c.documents()));
    Map<String, Object> update = new HashMap<>();
    update.put("status", wire(State.VERIFIED));
    update.put("manifestSha256", written.manifestSha256());
    update.put("completedAt", Firestores.timestamp(m.completedAt()));
    update.put("verifiedAt", Firestores.timestamp(clock.instant()));
    update.put("documents", m.documents());
    update.put("bytes", m.bytes());
    update.put("shards", (long) m.shards());
    update.put("counts", counts);
    update.put("consistency", m.consistency());
    update.put("error", null);
    Firestores.await(ref(id).update(update));
  }

  void markFailed(BackupId id, String error) {
    Firestores.await(
        ref(id)
            .update(
                "status",
                wire(State.FAILED),
                "error",
                error,
                "failedAt",
                Firestores.timestamp(clock.instant())));
  }

  /** A verified backup found damaged: it stays for inspection but is never used again. */
  void markCorrupt(BackupId id, String reason) {
    Firestores.await(
        ref(id)
            .update(
                "status",
                wire(State.CORRUPT),
                "error",
                reason,
                "corruptAt",
                Firestores.timestamp(clock.instant())));
  }

  void markDeleting(BackupId id) {
    Firestores.await(
        ref(id)
            .update(
                "status",
                wire(State.DELETING),
                "deletingAt",
                Firestores.timestamp(clock.instant())));
  }

  void delete(BackupId id) {
    Firestores.await(ref(id).delete());
  }

  /** The newest verified backups of a tier by snapshot time, newest first. */
  List<BackupRecord> latestVerified(BackupTier tier, int limit) {
    List<BackupRecord> records = new ArrayList<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(
                db.collection(COLLECTION)
                    .whereEqualTo("tier", tier.wire())
                    .whereEqualTo("status", wire(State.VERIFIED))
                    .orderBy("snapshotTime", Query.Direction.DESCENDING)
                    .limit(limit)
                    .get())
            .getDocuments()) {
      records.add(record(doc));
    }
    return records;
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

  /**
   * Every indexed backup of a tier (retention keeps this to a few hundred), newest scheduled first.
   */
  List<BackupRecord> all(BackupTier tier) {
    List<BackupRecord> records = new ArrayList<>();
    for (QueryDocumentSnapshot doc :
        Firestores.await(db.collection(COLLECTION).whereEqualTo("tier", tier.wire()).get())
            .getDocuments()) {
      records.add(record(doc));
    }
    records.sort(Comparator.comparing((BackupRecord r) -> r.id().scheduledFor()).reversed());
    return records;
  }

  private DocumentReference ref(BackupId id) {
    return db.collection(COLLECTION).document(id.toString());
  }

  static String wire(State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static BackupRecord record(DocumentSnapshot doc) {
    BackupId id =
        BackupId.parse(doc.getId())
            .orElseThrow(
                () -> new IllegalStateException("backups/" + doc.getId() + " has no backup id"));
    State state = State.valueOf(doc.getString("status").toUpperCase(Locale.ROOT));
    return new BackupRecord(
        id,
        state,
        Firestores.instant(doc.getTimestamp("snapshotTime")),
        Firestores.instant(doc.getTimestamp("completedAt")),
        doc.getString("manifestSha256"),
        longOr0(doc, "documents"),
        longOr0(doc, "bytes"),
        longOr0(doc, "shards"),
        doc.getString("consistency"),
        doc.getString("error"));
  }

  private static long longOr0(DocumentSnapshot doc, String field) {
    Long value = doc.getLong(field);
    return value == null ? 0 : value;
  }
}

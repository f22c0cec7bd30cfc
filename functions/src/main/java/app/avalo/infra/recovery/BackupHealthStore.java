package app.avalo.infra.recovery;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * The backup health checks, {@code backupHealth} ({@link BackupHealthCodec}): the newest as {@code
 * latest}, each one kept as {@code {checkedAt}} ({@code yyyyMMddTHHmmssZ}).
 */
final class BackupHealthStore {
  static final String COLLECTION = "backupHealth";
  static final String LATEST = "latest";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Firestore db;

  BackupHealthStore(Firestore db) {
    this.db = db;
  }

  void save(BackupHealth health) {
    Map<String, Object> doc = BackupHealthCodec.toDoc(health);
    Firestores.await(db.collection(COLLECTION).document(LATEST).set(doc));
    Firestores.await(db.collection(COLLECTION).document(STAMP.format(health.checkedAt())).set(doc));
  }

  Optional<BackupHealth> latest() {
    DocumentSnapshot doc = Firestores.await(db.collection(COLLECTION).document(LATEST).get());
    return doc.exists() ? Optional.of(BackupHealthCodec.fromDoc(doc)) : Optional.empty();
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.util.Map;
import java.util.Optional;

/**
 * Erasure checkpoints, {@code cdnErasures/{userId}}: written whole after every batch, so a crash
 * resumes after the last one. The codec is the pair {@link #toDoc}/{@link #fromDoc}.
 */
final class ErasureStore {
  private final Firestore db;

  ErasureStore(Firestore db) {
    this.db = db;
  }

  Optional<Erasure> find(String userId) {
    DocumentSnapshot doc = Firestores.await(ref(userId).get());
    return doc.exists() ? Optional.of(fromDoc(doc)) : Optional.empty();
  }

  void save(Erasure erasure) {
    Firestores.await(ref(erasure.userId()).set(toDoc(erasure)));
  }

  private DocumentReference ref(String userId) {
    return db.collection(CdnCollections.ERASURES).document(userId);
  }

  static Map<String, Object> toDoc(Erasure e) {
    return DocWriter.create()
        .field("userId", e.userId())
        .field("startedAt", e.startedAt())
        .field("assetsTakenDown", e.assetsTakenDown())
        .field("objectsDeleted", e.objectsDeleted())
        .field("uploadsDeleted", e.uploadsDeleted())
        .fieldOrNull("cursor", e.cursor())
        .field("runs", e.runs())
        .field("status", e.status())
        .field("updatedAt", e.updatedAt())
        .field("finishedAt", e.finishedAt())
        .map();
  }

  static Erasure fromDoc(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new Erasure(
        d.optionalString("userId").orElse(doc.getId()),
        d.enumValue("status", Erasure.Status.class),
        d.optionalInstant("startedAt").orElse(null),
        d.optionalLong("assetsTakenDown").orElse(0L),
        d.optionalLong("objectsDeleted").orElse(0L),
        d.optionalLong("uploadsDeleted").orElse(0L),
        d.optionalString("cursor").orElse(null),
        d.optionalLong("runs").orElse(0L),
        d.optionalInstant("updatedAt").orElse(null),
        d.optionalInstant("finishedAt").orElse(null));
  }
}

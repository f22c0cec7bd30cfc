package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.Emulators;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.SetOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Firestore semantics recovery depends on, checked on the emulator the tests use: if these break,
 * the recovery tests above them would prove nothing.
 */
class EmulatorAssumptionsTest {
  private final Firestore db = Emulators.isolatedFirestore();

  @Test
  void setWithoutMergeReplacesTheWholeDocument() {
    DocumentReference doc = db.collection("wallet").document("u1");
    Firestores.await(doc.set(Map.of("balance", 1L, "stray", true)));
    Firestores.await(doc.set(Map.of("balance", 2L)));
    assertEquals(Map.of("balance", 2L), Firestores.await(doc.get()).getData());
    var batch = db.batch();
    batch.set(doc, Map.of("other", "x"));
    Firestores.await(batch.commit());
    assertEquals(Map.of("other", "x"), Firestores.await(doc.get()).getData());
  }

  @Test
  void updateAndMergeStillOnlyTouchTheirFields() {
    DocumentReference doc = db.collection("wallet").document("u2");
    Firestores.await(doc.set(Map.of("a", 1L, "b", 1L)));
    Firestores.await(doc.update("a", 2L));
    Firestores.await(doc.set(Map.of("c", 3L), SetOptions.merge()));
    assertEquals(Map.of("a", 2L, "b", 1L, "c", 3L), Firestores.await(doc.get()).getData());
  }
}

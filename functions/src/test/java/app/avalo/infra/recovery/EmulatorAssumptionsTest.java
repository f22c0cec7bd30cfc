package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.Emulators;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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

  @Test
  void readsAtAReadTimeSeeTheVersionsOfThatTime() {
    DocumentReference a = db.collection("wallet").document("pitr-a");
    DocumentReference b = db.collection("wallet").document("pitr-b");
    Timestamp beforeAll = Firestores.await(a.set(Map.of("balance", 1L))).getUpdateTime();
    Firestores.await(b.set(Map.of("balance", 10L)));
    Instant t1 =
        Firestores.await(a.set(Map.of("balance", 2L))).getUpdateTime().toDate().toInstant();
    Firestores.await(a.set(Map.of("balance", 3L)));
    Firestores.await(b.delete());
    Firestores.await(db.collection("wallet").document("pitr-c").set(Map.of("balance", 5L)));

    assertEquals(Map.of("balance", 2L), readAt(t1, a).getData());
    assertEquals(Map.of("balance", 10L), readAt(t1, b).getData());
    assertEquals(Map.of("balance", 1L), readAt(beforeAll.toDate().toInstant(), a).getData());
    assertFalse(readAt(beforeAll.toDate().toInstant().minusMillis(1), a).exists());
    List<String> then =
        Firestores.await(
                db.runTransaction(
                    tx -> tx.get(db.collection("wallet").orderBy("balance")).get().getDocuments(),
                    BackupWriter.readOnlyAt(t1)))
            .stream()
            .map(QueryDocumentSnapshot::getId)
            .toList();
    assertEquals(List.of("pitr-a", "pitr-b"), then, "at t1: c did not exist, b did");
    assertEquals(Map.of("balance", 3L), Firestores.await(a.get()).getData(), "now is untouched");
  }

  @Test
  void aReadTimeOlderThanAnHourMustBeAWholeMinute() {
    DocumentReference a = db.collection("wallet").document("pitr-minute");
    Firestores.await(a.set(Map.of("balance", 1L)));
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
    Exception e =
        assertThrows(
            RuntimeException.class,
            () -> readAt(twoHoursAgo.truncatedTo(ChronoUnit.MINUTES).plusSeconds(7), a));
    assertTrue(causes(e).contains("whole minute"), causes(e));
    assertFalse(readAt(twoHoursAgo.truncatedTo(ChronoUnit.MINUTES), a).exists());
  }

  @Test
  void aReadOlderThanTheKeptHistoryIsRefusedNotAnsweredWrongly() {
    DocumentReference a = db.collection("wallet").document("pitr-bound");
    Instant first = Firestores.await(a.set(Map.of("v", 0L))).getUpdateTime().toDate().toInstant();
    for (long v = 1; v <= 40; v++) { // the emulator keeps the last 32 superseded versions
      Firestores.await(a.set(Map.of("v", v)));
    }
    Exception e = assertThrows(RuntimeException.class, () -> readAt(first, a));
    assertTrue(causes(e).contains("older than the emulator keeps"), causes(e));
  }

  private com.google.cloud.firestore.DocumentSnapshot readAt(Instant t, DocumentReference ref) {
    return Firestores.await(db.runTransaction(tx -> tx.get(ref).get(), BackupWriter.readOnlyAt(t)));
  }

  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append(" / ");
    }
    return text.toString();
  }
}

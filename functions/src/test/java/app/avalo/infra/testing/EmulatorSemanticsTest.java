package app.avalo.infra.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.TransactionOptions;
import com.google.cloud.firestore.WriteBatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The Firestore semantics the production code relies on, checked against the emulator the tests use
 * (localstack/emulators/firestore.mjs adds what the npm package lacks). If one of these fails,
 * tests built on top of it would prove nothing.
 */
class EmulatorSemanticsTest {
  private final Firestore db = Emulators.isolatedFirestore();

  @Test
  void cursorPaginationVisitsEveryDocumentOnce() {
    WriteBatch batch = db.batch();
    for (int i = 0; i < 250; i++) {
      batch.set(
          db.collection("paged").document(String.format("doc-%03d", (i * 37) % 250)),
          Map.of("i", i));
    }
    Firestores.await(batch.commit());
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    Query base = db.collection("paged").orderBy(FieldPath.documentId()).limit(100);
    QueryDocumentSnapshot last = null;
    while (true) {
      Query page = last == null ? base : base.startAfter(last);
      List<QueryDocumentSnapshot> docs = Firestores.await(page.get()).getDocuments();
      if (docs.isEmpty()) {
        break;
      }
      for (QueryDocumentSnapshot d : docs) {
        assertTrue(seen.add(d.getId()), "visited twice: " + d.getId());
        order.add(d.getId());
      }
      last = docs.get(docs.size() - 1);
    }
    assertEquals(250, seen.size());
    List<String> sorted = new ArrayList<>(order);
    sorted.sort(null);
    assertEquals(sorted, order, "documents come in name order");
  }

  @Test
  void orderByFieldWithOffsetAndEndBefore() {
    for (int i = 0; i < 10; i++) {
      Firestores.await(
          db.collection("scores").document("s" + i).set(Map.of("score", (long) i * 10)));
    }
    Firestores.await(db.collection("scores").document("noScore").set(Map.of("other", 1)));
    List<QueryDocumentSnapshot> docs =
        Firestores.await(
                db.collection("scores")
                    .orderBy("score", Query.Direction.DESCENDING)
                    .offset(2)
                    .endBefore(30L)
                    .get())
            .getDocuments();
    assertEquals(
        List.of("s7", "s6", "s5", "s4"), docs.stream().map(DocumentSnapshot::getId).toList());
  }

  @Test
  void concurrentTransactionsDoNotLoseUpdates() throws Exception {
    DocumentReference doc = db.collection("tx").document("counter");
    Firestores.await(doc.set(Map.of("n", 0L)));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      futures.add(
          pool.submit(
              () ->
                  Firestores.await(
                      db.runTransaction(
                          tx -> {
                            long n = tx.get(doc).get().getLong("n");
                            tx.update(doc, "n", n + 1);
                            return null;
                          },
                          TransactionOptions.createReadWriteOptionsBuilder()
                              .setNumberOfAttempts(50)
                              .build()))));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    assertEquals(20L, Firestores.await(doc.get()).getLong("n"));
  }

  @Test
  void createIsExclusiveAndBatchesAreAllOrNothing() {
    DocumentReference a = db.collection("excl").document("a");
    DocumentReference b = db.collection("excl").document("b");
    Firestores.await(a.create(Map.of("v", 1)));
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> Firestores.await(a.create(Map.of("v", 2))));
    assertTrue(Firestores.isAlreadyExists(e), e.toString());
    WriteBatch batch = db.batch();
    batch.set(b, Map.of("v", 1));
    batch.create(a, Map.of("v", 3));
    assertThrows(RuntimeException.class, () -> Firestores.await(batch.commit()));
    assertFalse(Firestores.await(b.get()).exists(), "a failed batch must write nothing");
    assertEquals(1L, Firestores.await(a.get()).getLong("v"));
  }
}

package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.avalo.infra.testing.Emulators;
import com.google.cloud.firestore.Firestore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ShardedCounterTest {
  private final Firestore db = Emulators.isolatedFirestore();

  @Test
  void concurrentWritersGetExactTotals() throws Exception {
    ShardedCounter counter = new ShardedCounter(db, "counters", 10);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 50; i++) {
                  counter.increment("c1", Map.of("count", 1L, "sumMinor", 1234L));
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    Map<String, Long> totals = counter.read("c1");
    assertEquals(400L, totals.get("count"));
    assertEquals(400L * 1234L, totals.get("sumMinor"));
    assertEquals(Map.of(), counter.read("other"));
  }

  @Test
  void fieldNamesMustBeFlat() {
    ShardedCounter counter = new ShardedCounter(db, "counters", 2);
    assertThrows(IllegalArgumentException.class, () -> counter.increment("c", Map.of("a.b", 1L)));
  }
}

package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.FakeExchange.Response;
import app.avalo.infra.testing.MutableClock;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobRunnerTest {
  private Firestore db;
  private MutableClock clock;
  private Platform app;

  @BeforeEach
  void setUp() {
    db = Emulators.isolatedFirestore();
    clock = MutableClock.at("2026-11-27T06:00:00Z");
    app =
        Platform.builder(Emulators.env())
            .firestore(db)
            .clock(clock)
            .catalog(TestFunctions.CATALOG)
            .build();
  }

  @AfterEach
  void reset() {
    TestFunctions.CountingJob.sleepMillis = 0;
    TestFunctions.CountingJob.fail = false;
  }

  private Response deliver(String scheduleTime) throws Exception {
    return FakeExchange.post()
        .header(ScheduledJob.SCHEDULE_TIME_HEADER, scheduleTime)
        .body("{}")
        .send(new TestFunctions.CountingJob(app));
  }

  private long runs() {
    return new ShardedCounter(db, "testCounters", 1).read("runs").getOrDefault("n", 0L);
  }

  @Test
  void redeliveryOfTheSameScheduledTimeRunsOnce() throws Exception {
    Response first = deliver("2026-11-27T06:00:00Z");
    assertEquals(200, first.status(), first.body());
    assertEquals("succeeded", first.json().get("outcome").getAsString());
    Response second = deliver("2026-11-27T06:00:00Z");
    assertEquals(200, second.status());
    assertEquals("duplicate", second.json().get("outcome").getAsString());
    assertEquals(1, runs());
    DocumentSnapshot record =
        Firestores.await(
            db.collection(JobRunner.RUNS).document("countingJob@2026-11-27T06:00:00Z").get());
    assertEquals("succeeded", record.getString("outcome"));
    assertEquals("countingJob", record.getString("job"));
    assertNotNull(record.getTimestamp("startedAt"));
    assertNotNull(record.getTimestamp("finishedAt"));
    assertEquals("2026-11-27T06:00:00Z", ((Map<?, ?>) record.get("summary")).get("scheduledFor"));
    assertEquals(200, deliver("2026-11-27T06:01:00Z").status());
    assertEquals(2, runs());
  }

  @Test
  void concurrentDeliveriesProduceOneEffect() throws Exception {
    TestFunctions.CountingJob.sleepMillis = 300;
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Response>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      answers.add(pool.submit(() -> deliver("2026-11-27T07:00:00Z")));
    }
    Map<String, Integer> outcomes = new HashMap<>();
    for (Future<Response> f : answers) {
      Response r = f.get();
      assertEquals(200, r.status(), r.body());
      outcomes.merge(r.json().get("outcome").getAsString(), 1, Integer::sum);
    }
    pool.shutdown();
    assertEquals(1, outcomes.get("succeeded"), outcomes.toString());
    assertEquals(1, runs());
  }

  @Test
  void aLiveLeaseMakesOverlappingRunsSkipAndAnExpiredOneIsTakenOver() {
    JobRunner runner = app.jobRunner();
    JobRunner.Lease held = runner.tryAcquire("slowJob", Duration.ofSeconds(60));
    assertNotNull(held);
    assertNull(runner.tryAcquire("slowJob", Duration.ofSeconds(60)), "a live lease must block");
    clock.advance(Duration.ofSeconds(61));
    JobRunner.Lease takeover = runner.tryAcquire("slowJob", Duration.ofSeconds(60));
    assertNotNull(takeover, "an expired lease is taken over");
    assertEquals(held.generation() + 1, takeover.generation());
    runner.release(takeover);
    assertNotNull(runner.tryAcquire("slowJob", Duration.ofSeconds(60)), "a released lease is free");
  }

  @Test
  void contendersForOneLeaseGetExactlyOne() throws Exception {
    JobRunner runner = app.jobRunner();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger winners = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      futures.add(
          pool.submit(
              () -> {
                if (runner.tryAcquire("contended", Duration.ofMinutes(5)) != null) {
                  winners.incrementAndGet();
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    assertEquals(1, winners.get());
  }

  @Test
  void aFailedRunAnswers500AndIsRetriedByTheNextDelivery() throws Exception {
    TestFunctions.CountingJob.fail = true;
    Response r = deliver("2026-11-27T08:00:00Z");
    TestFunctions.CountingJob.fail = false;
    assertEquals(500, r.status());
    DocumentSnapshot record =
        Firestores.await(
            db.collection(JobRunner.RUNS).document("countingJob@2026-11-27T08:00:00Z").get());
    assertEquals("failed", record.getString("outcome"));
    assertEquals("halfway", ((Map<?, ?>) record.get("summary")).get("step"));
    Response retry = deliver("2026-11-27T08:00:00Z");
    assertEquals("succeeded", retry.json().get("outcome").getAsString());
    assertEquals(
        2L,
        Firestores.await(
                db.collection(JobRunner.RUNS).document("countingJob@2026-11-27T08:00:00Z").get())
            .getLong("attempts"));
  }

  @Test
  void jobsRefuseUnknownInputAndBadScheduleTimes() throws Exception {
    Response bogus =
        FakeExchange.post().body("{\"bogus\": 1}").send(new TestFunctions.CountingJob(app));
    assertEquals(400, bogus.status());
    Response badHeader = deliver("yesterday");
    assertEquals(400, badHeader.status());
    assertEquals(0, runs());
  }
}

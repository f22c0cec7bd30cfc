package app.avalo.infra.routing;

import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The failover work queue of the local stack and the tests: a pool of {@code workers} threads in
 * this process running {@link FailoverMigrator#runPartition}, with Cloud Tasks' semantics that
 * matter here (a task name is used once; a failed attempt is retried with backoff, up to {@link
 * #ATTEMPTS}; after that the resume job picks the partition up).
 */
final class InProcessFailoverQueue implements FailoverMigrator.WorkQueue, AutoCloseable {
  static final int ATTEMPTS = 5;
  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

  private final FailoverMigrator migrator;
  private final Clock clock;
  private final Duration workerBudget;
  private final ScheduledExecutorService pool;
  private final Set<String> names = ConcurrentHashMap.newKeySet();

  InProcessFailoverQueue(
      FailoverMigrator migrator, Clock clock, int workers, Duration workerBudget) {
    this.migrator = migrator;
    this.clock = clock;
    this.workerBudget = workerBudget;
    this.pool =
        Executors.newScheduledThreadPool(
            workers,
            r -> {
              Thread t = new Thread(r, "failover-worker");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void enqueue(String operationId, int partition, String taskName) {
    if (names.add(taskName)) {
      pool.execute(() -> attempt(operationId, partition, taskName, 1));
    }
  }

  private void attempt(String operationId, int partition, String taskName, int attempt) {
    try {
      migrator.runPartition(operationId, partition, clock.instant().plus(workerBudget), true);
    } catch (RuntimeException e) {
      Log.warn(
          "failover partition attempt failed",
          Map.of("task", taskName, "attempt", attempt, "error", String.valueOf(e)));
      if (attempt < ATTEMPTS) {
        long delay = FIRST_BACKOFF.toMillis() << (attempt - 1);
        var unused =
            pool.schedule(
                () -> attempt(operationId, partition, taskName, attempt + 1),
                delay,
                TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}

package app.avalo.infra.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load generator: {@code clients} threads each send the next request as soon as the
 * previous one answered, for a fixed time after a warm-up. Latencies go into an HdrHistogram
 * (microsecond resolution, 3 significant digits). Bounded in time, so it always stops by itself.
 */
final class LoadRunner {
  /** One request; returns true when the answer was the expected one. */
  @FunctionalInterface
  interface Request {
    boolean send() throws Exception;
  }

  /** What a run measured. */
  record Result(int clients, long requests, long failures, double seconds, Histogram latencyMicros) {
    double throughput() {
      return requests / seconds;
    }

    double p50Millis() {
      return latencyMicros.getValueAtPercentile(50) / 1000.0;
    }

    double p95Millis() {
      return latencyMicros.getValueAtPercentile(95) / 1000.0;
    }

    double p99Millis() {
      return latencyMicros.getValueAtPercentile(99) / 1000.0;
    }
  }

  private LoadRunner() {}

  static Result run(int clients, Duration warmUp, Duration measure, Request request) throws Exception {
    phase(clients, warmUp, request, null, new AtomicLong(), new AtomicLong());
    Recorder recorder = new Recorder(3);
    AtomicLong count = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    phase(clients, measure, request, recorder, count, failures);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(clients, count.get(), failures.get(), seconds, recorder.getIntervalHistogram());
  }

  private static void phase(int clients, Duration length, Request request, Recorder recorder, AtomicLong count,
      AtomicLong failures) throws Exception {
    long end = System.nanoTime() + length.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        workers.add(pool.submit((Callable<Void>) () -> {
          while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            boolean ok;
            try {
              ok = request.send();
            } catch (Exception e) {
              ok = false;
            }
            long micros = (System.nanoTime() - t0) / 1000;
            if (recorder != null) {
              recorder.recordValue(Math.max(1, micros));
              count.incrementAndGet();
              if (!ok) {
                failures.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Percentile of a list of samples (nearest rank), for small trial sets. */
  static double percentile(List<Double> samples, double p) {
    List<Double> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}

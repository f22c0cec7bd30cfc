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
  record Result(
      int clients, long requests, long failures, double seconds, Histogram latencyMicros) {
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

  static Result run(int clients, Duration warmUp, Duration measure, Request request)
      throws Exception {
    return run(clients, 0, warmUp, measure, request);
  }

  /**
   * Like {@link #run(int, Duration, Duration, Request)}, but open-loop at {@code ratePerSecond}
   * requests per second in total (0 = as fast as the clients go): each client keeps its own
   * schedule, so a slow answer is followed by a catch-up, not by a lower rate.
   */
  static Result run(
      int clients, double ratePerSecond, Duration warmUp, Duration measure, Request request)
      throws Exception {
    phase(clients, ratePerSecond, warmUp, request, null, new AtomicLong(), new AtomicLong());
    Recorder recorder = new Recorder(3);
    AtomicLong count = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    phase(clients, ratePerSecond, measure, request, recorder, count, failures);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        clients, count.get(), failures.get(), seconds, recorder.getIntervalHistogram());
  }

  private static void phase(
      int clients,
      double ratePerSecond,
      Duration length,
      Request request,
      Recorder recorder,
      AtomicLong count,
      AtomicLong failures)
      throws Exception {
    long intervalNanos = ratePerSecond > 0 ? (long) (clients * 1e9 / ratePerSecond) : 0;
    long begin = System.nanoTime();
    long end = System.nanoTime() + length.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        long offset = intervalNanos * i / clients;
        workers.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      long next = begin + offset;
                      while (System.nanoTime() < end) {
                        if (intervalNanos > 0) {
                          long wait = next - System.nanoTime();
                          if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                          }
                          next += intervalNanos;
                          if (System.nanoTime() >= end) {
                            break;
                          }
                        }
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

package app.avalo.infra.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What a running job knows: its scheduled time, its deadline, and a place to report progress. */
public final class JobContext {
  private final String job;
  private final Instant scheduledFor;
  private final Instant startedAt;
  private final Instant deadline;
  private final Clock clock;
  private final Map<String, Object> progress = new ConcurrentHashMap<>();

  JobContext(String job, Instant scheduledFor, Instant startedAt, Instant deadline, Clock clock) {
    this.job = job;
    this.scheduledFor = scheduledFor;
    this.startedAt = startedAt;
    this.deadline = deadline;
    this.clock = clock;
  }

  public String job() {
    return job;
  }

  /** The time this run is for: Cloud Scheduler's schedule time, not when it started. */
  public Instant scheduledFor() {
    return scheduledFor;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** When the platform stops waiting for this run (the function's timeout). */
  public Instant deadline() {
    return deadline;
  }

  /** Time left before the deadline, never negative. */
  public Duration remaining() {
    Duration left = Duration.between(clock.instant(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Notes progress; kept on the run record if the job fails part-way. */
  public void progress(String key, Object value) {
    progress.put(key, value);
  }

  Map<String, Object> progress() {
    return progress;
  }
}

package app.avalo.infra.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a running job knows: its scheduled time, its deadline, its lease generation (a fencing
 * token: a later run of the job always holds a greater one), and a place to report progress.
 */
public final class JobContext {
  private final String job;
  private final Instant scheduledFor;
  private final Instant startedAt;
  private final Instant deadline;
  private final Clock clock;
  private final long leaseGeneration;
  private final Map<String, Object> progress = new ConcurrentHashMap<>();

  JobContext(
      String job,
      Instant scheduledFor,
      Instant startedAt,
      Instant deadline,
      Clock clock,
      long leaseGeneration) {
    this.job = job;
    this.leaseGeneration = leaseGeneration;
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

  /**
   * The generation of the lease this run holds: writers that must not be overwritten by a run that
   * lost its lease (timed out, still running) check it against the newest one they saw.
   */
  public long leaseGeneration() {
    return leaseGeneration;
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

package app.avalo.infra.platform;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * Base of every Cloud Scheduler job. The scheduled time comes from Cloud Scheduler's {@code
 * X-CloudScheduler-ScheduleTime} header (or a {@code scheduledFor} field when run by hand); the run
 * goes through {@link JobRunner}, so re-deliveries and overlapping deliveries do nothing. A failed
 * run answers 500 so Cloud Scheduler retries it.
 */
public abstract class ScheduledJob extends ApiFunction {
  public static final String SCHEDULE_TIME_HEADER = "X-CloudScheduler-ScheduleTime";

  /** The Functions Framework's path (see {@link ApiFunction#ApiFunction(Supplier)}). */
  protected ScheduledJob(Supplier<Platform> platform) {
    super(platform);
  }

  /** Tests: the job on a given platform. */
  protected ScheduledJob(Platform platform) {
    super(platform);
  }

  /**
   * The name the run's lease and record go by: the function's, unless one function is deployed as
   * several jobs that must not exclude each other (one health checker per region).
   */
  protected String jobKey(Request request) {
    return request.function().name();
  }

  /** The job's work for one scheduled time. */
  protected abstract JobRunner.Result run(JobContext context) throws Exception;

  @Override
  protected final Object handle(Request request) throws Exception {
    Instant scheduledFor = scheduledFor(request);
    Duration timeout = Duration.ofSeconds(request.function().timeoutSeconds());
    return platform().jobRunner().run(jobKey(request), scheduledFor, timeout, this::run);
  }

  private Instant scheduledFor(Request request) {
    Instant fromBody = request.data().optionalInstant("scheduledFor").orElse(null);
    request.data().done();
    String header = request.header(SCHEDULE_TIME_HEADER).orElse(null);
    if (header != null) {
      try {
        return Instant.parse(header);
      } catch (DateTimeParseException e) {
        throw ApiException.invalidArgument(SCHEDULE_TIME_HEADER, "must be an RFC 3339 time");
      }
    }
    return fromBody != null ? fromBody : request.receivedAt().truncatedTo(ChronoUnit.SECONDS);
  }
}

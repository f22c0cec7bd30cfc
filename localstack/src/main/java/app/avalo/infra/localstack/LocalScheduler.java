package app.avalo.infra.localstack;

import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Log;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fires the catalog's jobs at the dev server the way Cloud Scheduler would: a POST at each cron
 * time (read in the job's time zone, as Cloud Scheduler reads it) with the {@code
 * X-CloudScheduler-ScheduleTime} header, so the jobs' lease and once-per-scheduled-time logic run
 * exactly as in production.
 */
public final class LocalScheduler implements AutoCloseable {
  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "local-scheduler");
            t.setDaemon(true);
            return t;
          });
  private final List<Scheduled> jobs = new ArrayList<>();

  private static final class Scheduled {
    final String function;
    final Catalog.SchedulerSettings settings;
    Instant next;

    Scheduled(Catalog.Entry job, Instant now) {
      this.function = job.name();
      this.settings = job.scheduler();
      this.next = nextRun(settings, now);
    }
  }

  /**
   * The first time strictly after {@code after} at which Cloud Scheduler fires a job with these
   * settings.
   */
  static Instant nextRun(Catalog.SchedulerSettings settings, Instant after) {
    ExecutionTime times = ExecutionTime.forCron(UNIX.parse(settings.schedule()));
    return times
        .nextExecution(after.atZone(ZoneId.of(settings.timeZone())))
        .orElseThrow()
        .toInstant();
  }

  /** Schedules every job of {@code catalog} (its settings, as deployed to Cloud Scheduler). */
  public LocalScheduler(Catalog catalog, String baseUrl) {
    this.baseUrl = baseUrl;
    Instant now = Instant.now();
    for (Catalog.Entry job : catalog.jobs()) {
      jobs.add(new Scheduled(job, now));
    }
  }

  /** Validates a cron expression as Cloud Scheduler (unix-cron) reads it. */
  public static void validate(String schedule) {
    UNIX.parse(schedule).validate();
  }

  public void start() {
    var unused =
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS); // stopped with the ticker
  }

  private void tick() {
    Instant now = Instant.now();
    for (Scheduled s : jobs) {
      if (!now.isBefore(s.next)) {
        Instant due = s.next;
        s.next = nextRun(s.settings, now);
        fire(s.function, due);
      }
    }
  }

  private void fire(String function, Instant scheduledFor) {
    String scheduleTime = scheduledFor.truncatedTo(ChronoUnit.SECONDS).toString();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/" + function))
            .timeout(Duration.ofMinutes(10))
            .header("Content-Type", "application/json")
            .header("X-CloudScheduler-ScheduleTime", scheduleTime)
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    // Fire and forget: the outcome is logged in whenComplete, nothing waits for it.
    var unused =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .whenComplete(
                (response, error) -> {
                  if (error != null) {
                    Log.warn(
                        "scheduled job could not be delivered",
                        Map.of(
                            "job",
                            function,
                            "scheduledFor",
                            scheduleTime,
                            "error",
                            String.valueOf(error)));
                  } else {
                    Log.info(
                        "scheduled job delivered",
                        Map.of(
                            "job",
                            function,
                            "scheduledFor",
                            scheduleTime,
                            "status",
                            response.statusCode()));
                  }
                });
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}

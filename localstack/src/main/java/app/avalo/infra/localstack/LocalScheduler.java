package app.avalo.infra.localstack;

import app.avalo.infra.deploy.SchedulerConfig;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fires the jobs of {@code scheduler.yaml} at the dev server the way Cloud Scheduler would: a POST
 * at each cron time (UTC) with the {@code X-CloudScheduler-ScheduleTime} header, so the jobs'
 * lease and once-per-scheduled-time logic run exactly as in production.
 */
public final class LocalScheduler implements AutoCloseable {
  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "local-scheduler");
    t.setDaemon(true);
    return t;
  });
  private final List<Scheduled> jobs = new ArrayList<>();

  private static final class Scheduled {
    final SchedulerConfig.Job job;
    final ExecutionTime times;
    ZonedDateTime next;

    Scheduled(SchedulerConfig.Job job, ZonedDateTime now) {
      this.job = job;
      this.times = ExecutionTime.forCron(UNIX.parse(job.schedule()));
      this.next = times.nextExecution(now).orElseThrow();
    }
  }

  public LocalScheduler(SchedulerConfig config, String baseUrl) {
    this.baseUrl = baseUrl;
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    for (SchedulerConfig.Job job : config.jobs()) {
      jobs.add(new Scheduled(job, now));
    }
  }

  /** Validates a cron expression as Cloud Scheduler (unix-cron) reads it. */
  public static void validate(String schedule) {
    UNIX.parse(schedule).validate();
  }

  public void start() {
    ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  private void tick() {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    for (Scheduled s : jobs) {
      if (!now.isBefore(s.next)) {
        ZonedDateTime due = s.next;
        s.next = s.times.nextExecution(now).orElseThrow();
        fire(s.job.function(), due);
      }
    }
  }

  private void fire(String function, ZonedDateTime scheduledFor) {
    String scheduleTime = scheduledFor.truncatedTo(ChronoUnit.SECONDS).toInstant().toString();
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/" + function))
        .timeout(Duration.ofMinutes(10))
        .header("Content-Type", "application/json")
        .header("X-CloudScheduler-ScheduleTime", scheduleTime)
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
      if (error != null) {
        Log.warn("scheduled job could not be delivered", Map.of("job", function, "scheduledFor", scheduleTime,
            "error", String.valueOf(error)));
      } else {
        Log.info("scheduled job delivered", Map.of("job", function, "scheduledFor", scheduleTime,
            "status", response.statusCode()));
      }
    });
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}

package app.avalo.infra.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code scheduler.yaml}: the Cloud Scheduler jobs deploy.sh creates and the local scheduler fires.
 * Schedules must equal the catalog's (a test checks).
 */
public record SchedulerConfig(String timeZone, Retry defaults, List<Job> jobs) {

  /** Cloud Scheduler retry settings. */
  public record Retry(int maxRetryAttempts, String minBackoff, String maxBackoff, int maxDoublings) {}

  /** One job: the function it calls, its cron schedule, and its attempt deadline. */
  public record Job(String function, String schedule, String attemptDeadline, Retry retry) {}

  public static SchedulerConfig load(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      return parse(reader);
    }
  }

  @SuppressWarnings("unchecked")
  public static SchedulerConfig parse(Reader reader) {
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    String timeZone = (String) root.get("timeZone");
    Retry defaults = retry((Map<String, Object>) root.get("retry"), null);
    List<Job> jobs = new ArrayList<>();
    for (Map<String, Object> job : (List<Map<String, Object>>) root.get("jobs")) {
      jobs.add(new Job(
          (String) job.get("function"),
          (String) job.get("schedule"),
          (String) job.get("attemptDeadline"),
          retry((Map<String, Object>) job.get("retry"), defaults)));
    }
    return new SchedulerConfig(timeZone, defaults, List.copyOf(jobs));
  }

  private static Retry retry(Map<String, Object> map, Retry fallback) {
    if (map == null) {
      return fallback;
    }
    return new Retry(
        ((Number) map.getOrDefault("maxRetryAttempts", fallback == null ? 3 : fallback.maxRetryAttempts())).intValue(),
        (String) map.getOrDefault("minBackoff", fallback == null ? "10s" : fallback.minBackoff()),
        (String) map.getOrDefault("maxBackoff", fallback == null ? "300s" : fallback.maxBackoff()),
        ((Number) map.getOrDefault("maxDoublings", fallback == null ? 3 : fallback.maxDoublings())).intValue());
  }
}

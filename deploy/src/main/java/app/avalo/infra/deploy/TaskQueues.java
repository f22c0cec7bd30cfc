package app.avalo.infra.deploy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Cloud Tasks part of {@code deploy/deploy.json} ({@code taskQueues}): the push queues with
 * their retry settings, the account whose OIDC token the tasks carry, and the runtime variables the
 * functions need to enqueue to them. Kept apart from {@link DeployConfig} so the queue settings and
 * the variables derived from them live in one place.
 */
record TaskQueues(String invokerEmail, List<Queue> queues, String location, String targetBaseUrl) {

  /**
   * One queue: its id, the variables naming it and its max attempts, and gcloud's retry/rate flags.
   */
  record Queue(
      String id,
      String env,
      String attemptsEnv,
      int maxAttempts,
      String minBackoff,
      String maxBackoff,
      int maxDoublings,
      int maxConcurrentDispatches) {

    /** The flags {@code gcloud tasks queues create} and {@code update} both take. */
    List<String> flags() {
      return List.of(
          "--max-attempts=" + maxAttempts,
          "--min-backoff=" + minBackoff,
          "--max-backoff=" + maxBackoff,
          "--max-doublings=" + maxDoublings,
          "--max-concurrent-dispatches=" + maxConcurrentDispatches);
    }
  }

  static TaskQueues load(Path deployJson, String project, String region) throws IOException {
    JsonObject root = JsonParser.parseString(Files.readString(deployJson)).getAsJsonObject();
    JsonObject section = root.getAsJsonObject("taskQueues");
    List<Queue> queues = new ArrayList<>();
    if (section == null) {
      return new TaskQueues(null, queues, region, null);
    }
    for (Map.Entry<String, JsonElement> e : section.getAsJsonObject("queues").entrySet()) {
      JsonObject q = e.getValue().getAsJsonObject();
      queues.add(
          new Queue(
              e.getKey(),
              q.get("env").getAsString(),
              q.has("attemptsEnv") ? q.get("attemptsEnv").getAsString() : null,
              q.get("maxAttempts").getAsInt(),
              q.get("minBackoff").getAsString(),
              q.get("maxBackoff").getAsString(),
              q.get("maxDoublings").getAsInt(),
              q.get("maxConcurrentDispatches").getAsInt()));
    }
    return new TaskQueues(
        DeployConfig.email(section.get("invokerAccount").getAsString(), project),
        List.copyOf(queues),
        region,
        "https://" + region + "-" + project + ".cloudfunctions.net");
  }

  /** The runtime variables of {@code platform/TaskQueueConfig} and of each queue's user. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    if (queues.isEmpty()) {
      return env;
    }
    env.put("CLOUD_TASKS_LOCATION", location);
    env.put("TASKS_INVOKER_SERVICE_ACCOUNT", invokerEmail);
    env.put("TASKS_TARGET_BASE_URL", targetBaseUrl);
    for (Queue q : queues) {
      env.put(q.env(), q.id());
      if (q.attemptsEnv() != null) {
        env.put(q.attemptsEnv(), Integer.toString(q.maxAttempts()));
      }
    }
    return env;
  }
}

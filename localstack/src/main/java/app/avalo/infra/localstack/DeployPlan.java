package app.avalo.infra.localstack;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.Catalog;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The exact commands {@code deploy.sh} runs, derived from {@code catalog.json} and
 * {@code scheduler.yaml}: one {@code gcloud functions deploy} per function, an invoker binding and
 * a create-or-update of the Cloud Scheduler job per scheduled function, and the Firebase deploy of
 * rules, indexes and hosting. Every command is idempotent.
 */
public final class DeployPlan {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  /** Where and how to deploy. */
  public record Target(String projectId, String region, String schedulerLocation, String schedulerServiceAccount,
      Path sourceDir, Path envVarsFile, Set<String> only) {}

  private DeployPlan() {}

  public static List<String> commands(Catalog catalog, SchedulerConfig scheduler, Target target) {
    List<String> unknown = target.only().stream().filter(n -> catalog.byName(n).isEmpty()).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("--only names functions that are not in catalog.json: " + unknown);
    }
    List<String> commands = new ArrayList<>();
    for (Catalog.Entry e : catalog.entries()) {
      if (!target.only().isEmpty() && !target.only().contains(e.name())) {
        continue;
      }
      List<String> deploy = new ArrayList<>(List.of("gcloud", "functions", "deploy", e.name(),
          "--gen2", "--project=" + target.projectId(), "--region=" + target.region(), "--runtime=java21",
          "--entry-point=" + e.entryPoint(), "--trigger-http", "--source=" + target.sourceDir(),
          "--memory=" + e.memory(), "--timeout=" + e.timeoutSeconds() + "s",
          "--env-vars-file=" + target.envVarsFile(), "--quiet"));
      // Apps call user/admin/public functions directly; the function checks the Firebase ID token.
      deploy.add(e.access() == Access.PRIVATE ? "--no-allow-unauthenticated" : "--allow-unauthenticated");
      commands.add(join(deploy));
    }
    Map<String, SchedulerConfig.Job> jobs = new java.util.LinkedHashMap<>();
    scheduler.jobs().forEach(j -> jobs.put(j.function(), j));
    for (Catalog.Entry e : catalog.entries()) {
      if (!e.isJob() || (!target.only().isEmpty() && !target.only().contains(e.name()))) {
        continue;
      }
      SchedulerConfig.Job job = jobs.get(e.name());
      if (job == null) {
        throw new IllegalStateException("scheduler.yaml has no job for " + e.name());
      }
      String uri = "https://" + target.region() + "-" + target.projectId() + ".cloudfunctions.net/" + e.name();
      String sa = target.schedulerServiceAccount();
      commands.add(join(List.of("gcloud", "functions", "add-invoker-policy-binding", e.name(),
          "--project=" + target.projectId(), "--region=" + target.region(), "--member=serviceAccount:" + sa)));
      String jobName = "avalo-" + e.name();
      List<String> flags = List.of("--project=" + target.projectId(), "--location=" + target.schedulerLocation(),
          "--schedule=" + job.schedule(), "--time-zone=" + scheduler.timeZone(), "--uri=" + uri,
          "--http-method=POST", "--headers=Content-Type=application/json", "--message-body={}",
          "--oidc-service-account-email=" + sa, "--oidc-token-audience=" + uri,
          "--attempt-deadline=" + job.attemptDeadline(),
          "--max-retry-attempts=" + job.retry().maxRetryAttempts(), "--min-backoff=" + job.retry().minBackoff(),
          "--max-backoff=" + job.retry().maxBackoff(), "--max-doublings=" + job.retry().maxDoublings());
      List<String> describe = List.of("gcloud", "scheduler", "jobs", "describe", jobName,
          "--project=" + target.projectId(), "--location=" + target.schedulerLocation());
      List<String> update = new ArrayList<>(List.of("gcloud", "scheduler", "jobs", "update", "http", jobName));
      update.addAll(flags);
      List<String> create = new ArrayList<>(List.of("gcloud", "scheduler", "jobs", "create", "http", jobName));
      create.addAll(flags);
      commands.add("if " + join(describe) + " >/dev/null 2>&1; then " + join(update) + "; else " + join(create) + "; fi");
    }
    if (target.only().isEmpty()) {
      commands.add(join(List.of("npx", "--no-install", "firebase", "deploy", "--project=" + target.projectId(),
          "--only=firestore:rules,firestore:indexes,storage,hosting", "--non-interactive")));
    }
    return commands;
  }

  static String join(List<String> words) {
    StringBuilder out = new StringBuilder();
    for (String w : words) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(SAFE.matcher(w).matches() ? w : "'" + w.replace("'", "'\\''") + "'");
    }
    return out.toString();
  }

  /** {@code DeployPlan REPO_ROOT PROJECT_ID SOURCE_DIR ENV_VARS_FILE [--only NAME…]}: prints one command per line. */
  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: DeployPlan REPO_ROOT PROJECT_ID SOURCE_DIR ENV_VARS_FILE [--only NAME…]");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    Set<String> only = new LinkedHashSet<>();
    for (int i = 4; i < args.length; i++) {
      if (!args[i].equals("--only")) {
        only.add(args[i]);
      }
    }
    Catalog catalog;
    try (Reader reader = Files.newBufferedReader(root.resolve("catalog.json"))) {
      catalog = Catalog.parse(reader);
    }
    String region = System.getenv().getOrDefault("AVALO_REGION", catalog.defaultRegion());
    String schedulerLocation = System.getenv().getOrDefault("AVALO_SCHEDULER_LOCATION", region);
    String sa = System.getenv().getOrDefault("AVALO_SCHEDULER_SA", "avalo-scheduler@" + args[1] + ".iam.gserviceaccount.com");
    Target target = new Target(args[1], region, schedulerLocation, sa, Path.of(args[2]), Path.of(args[3]), only);
    for (String command : commands(catalog, SchedulerConfig.load(root.resolve("scheduler.yaml")), target)) {
      System.out.println(command);
    }
  }
}

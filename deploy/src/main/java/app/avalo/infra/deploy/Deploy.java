package app.avalo.infra.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * deploy.sh's engine: {@code Deploy REPO_ROOT PROJECT [options]} (options as deploy.sh documents
 * them). Prints the plan with {@code --dry-run} (stdout carries only commands), otherwise runs it.
 */
public final class Deploy {
  private Deploy() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: Deploy REPO_ROOT PROJECT [--dry-run] [--bootstrap] [--rollback [NAME…]] [--only"
              + " NAME…] [--prune] [--canary 10,50,100] [--canary-wait SECONDS] [--max-error-rate"
              + " 0.01] [--env-file FILE]");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    String project = args[1];
    boolean dryRun = false;
    boolean bootstrap = false;
    boolean rollback = false;
    boolean prune = false;
    Path envFile = null;
    Set<String> only = new LinkedHashSet<>();
    List<String> rollbackNames = new ArrayList<>();
    List<Integer> canary = new ArrayList<>();
    Integer wait = null;
    Double maxErrorRate = null;
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--dry-run" -> dryRun = true;
        case "--bootstrap" -> bootstrap = true;
        case "--prune" -> prune = true;
        case "--env-file" -> envFile = Path.of(value(args, ++i, "--env-file"));
        case "--canary" -> {
          for (String step : value(args, ++i, "--canary").split(",")) {
            int percent = Integer.parseInt(step.strip());
            if (percent < 1
                || percent > 100
                || (!canary.isEmpty() && percent <= canary.get(canary.size() - 1))) {
              fail(
                  "--canary needs rising percentages from 1 to 100, e.g. 10,50,100 (got "
                      + args[i]
                      + ")");
            }
            canary.add(percent);
          }
          if (canary.get(canary.size() - 1) != 100) {
            fail("--canary must end at 100 (got " + args[i] + ")");
          }
        }
        case "--canary-wait" -> wait = Integer.parseInt(value(args, ++i, "--canary-wait"));
        case "--max-error-rate" ->
            maxErrorRate = Double.parseDouble(value(args, ++i, "--max-error-rate"));
        case "--only", "--rollback" -> {
          boolean isRollback = args[i].equals("--rollback");
          rollback |= isRollback;
          while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            (isRollback ? rollbackNames : new ArrayList<String>()).add(args[i + 1]);
            if (!isRollback) {
              only.add(args[i + 1]);
            }
            i++;
          }
        }
        default -> fail("unknown option: " + args[i]);
      }
    }
    if (envFile != null && !Files.isRegularFile(envFile)) {
      fail("--env-file " + envFile + " does not exist");
    }
    String catalogRegion =
        app.avalo.infra.platform.Catalog.parse(
                Files.newBufferedReader(root.resolve("catalog.json")))
            .defaultRegion();
    String region = env("AVALO_REGION", catalogRegion);
    DeployConfig defaults =
        DeployConfig.load(root.resolve("deploy/deploy.json"), project, region, null);
    Deployer.Options options =
        new Deployer.Options(
            root,
            project,
            region,
            env("AVALO_SCHEDULER_LOCATION", region),
            Path.of(env("AVALO_DEPLOY_SOURCE", root.resolve("target/deploy/source").toString())),
            envFile,
            only,
            dryRun,
            prune,
            canary,
            wait != null ? wait : defaults.canaryWaitSeconds(),
            maxErrorRate != null ? maxErrorRate : defaults.maxErrorRate(),
            System.getenv("AVALO_PRIVATE_INVOKERS"));
    Deployer deployer;
    try {
      deployer = new Deployer(options, System.out);
      if (bootstrap) {
        deployer.bootstrap();
      } else if (rollback) {
        deployer.rollback(rollbackNames);
      } else {
        deployer.deploy();
      }
    } catch (IllegalArgumentException | IllegalStateException | Cli.Failure e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (!deployer.failures().isEmpty()) {
      System.err.println(
          "error: "
              + deployer.failures().size()
              + " function(s) did not roll out:\n  - "
              + String.join("\n  - ", deployer.failures()));
      System.exit(1);
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      fail(flag + " needs a value");
    }
    return args[i];
  }

  private static void fail(String message) {
    System.err.println("error: " + message);
    System.exit(2);
  }
}

package app.avalo.infra.deploy;

import app.avalo.infra.cdn.CdnConfig;
import app.avalo.infra.cost.CostConfig;
import app.avalo.infra.monitoring.MonitoringConfig;
import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.recovery.RecoveryConfig;
import app.avalo.infra.routing.RoutingConfig;
import app.avalo.infra.scaling.ScalingConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Checks, before any function deploys, that the runtime environment the functions will get is
 * complete: the very config readers the functions run at cold start ({@code AppConfig} and each
 * domain's {@code …Config}) read the planned environment as Cloud Run would give it ({@code
 * K_SERVICE} set, secrets present as Secret Manager references), and every problem of every domain
 * is reported in one error.
 */
final class Preflight {
  private Preflight() {}

  /** Every problem found, in order, without duplicates; empty when the environment is complete. */
  static List<String> problems(Map<String, String> plannedEnv, Set<String> secretVariables) {
    Map<String, String> env = new LinkedHashMap<>(plannedEnv);
    env.put("K_SERVICE", "preflight");
    // Secret Manager fills these at run time; the preflight checks separately that each secret has
    // a version.
    secretVariables.forEach(v -> env.putIfAbsent(v, "secret-manager"));
    Set<String> problems = new LinkedHashSet<>();
    ConfigReader platformReader = new ConfigReader(env);
    AppConfig platform = AppConfig.read(platformReader, env);
    collect(problems, platformReader, r -> {});
    collect(problems, new ConfigReader(env), MonitoringConfig::read);
    collect(problems, new ConfigReader(env), r -> ScalingConfig.read(r, platform));
    collect(problems, new ConfigReader(env), r -> RoutingConfig.read(r, platform.projectId()));
    collect(problems, new ConfigReader(env), r -> CostConfig.read(r, platform.projectId()));
    collect(problems, new ConfigReader(env), r -> CdnConfig.read(r, platform));
    collect(problems, new ConfigReader(env), r -> RecoveryConfig.read(r, platform));
    return new ArrayList<>(problems);
  }

  private static void collect(
      Set<String> problems, ConfigReader reader, Consumer<ConfigReader> read) {
    try {
      read.accept(reader);
      reader.throwIfInvalid();
    } catch (IllegalStateException e) {
      for (String line : e.getMessage().split("\n")) {
        String l = line.strip();
        if (l.startsWith("- ")) {
          problems.add(l.substring(2));
        }
      }
    }
  }
}

package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.Catalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the real {@code deploy.sh --dry-run} and checks every catalogued function and job is in it with the right flags. */
class DeployScriptTest {
  private static final Catalog CATALOG = Catalog.bundled();
  private static List<String> lines;

  @BeforeAll
  static void dryRun() throws Exception {
    lines = deploy("demo-proj", "--dry-run", "--skip-build");
  }

  static List<String> deploy(String... args) throws IOException, InterruptedException {
    Path root = LocalStack.repoRoot();
    List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("deploy.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.environment().put("AVALO_DEPLOY_CLASSPATH", System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")));
    Process p = builder.start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), "deploy.sh failed: " + err);
    return new String(out, StandardCharsets.UTF_8).lines().toList();
  }

  private static String deployLine(String name) {
    List<String> matches = lines.stream().filter(l -> l.startsWith("gcloud functions deploy " + name + " ")).toList();
    assertEquals(1, matches.size(), "deploy lines for " + name + ": " + matches);
    return matches.get(0);
  }

  @Test
  void everyFunctionIsDeployedWithItsCatalogFlags() {
    for (Catalog.Entry e : CATALOG.entries()) {
      String line = deployLine(e.name());
      for (String flag : List.of("--gen2", "--runtime=java21", "--trigger-http", "--entry-point=" + e.entryPoint(),
          "--memory=" + e.memory(), "--timeout=" + e.timeoutSeconds() + "s", "--project=demo-proj",
          "--region=" + CATALOG.defaultRegion())) {
        assertTrue(line.contains(" " + flag), e.name() + " lacks " + flag + ": " + line);
      }
      boolean open = line.contains(" --allow-unauthenticated");
      boolean closed = line.contains(" --no-allow-unauthenticated");
      assertTrue(open ^ closed, line);
      assertEquals(e.access() == Access.PRIVATE, closed, e.name() + " (" + e.access() + "): " + line);
    }
    assertEquals(CATALOG.entries().size(), lines.stream().filter(l -> l.startsWith("gcloud functions deploy ")).count());
  }

  @Test
  void everyJobGetsAnOidcSchedulerJobAndInvokerBinding() {
    for (Catalog.Entry e : CATALOG.entries()) {
      if (!e.isJob()) {
        continue;
      }
      String uri = "https://" + CATALOG.defaultRegion() + "-demo-proj.cloudfunctions.net/" + e.name();
      String job = lines.stream().filter(l -> l.contains("scheduler jobs describe avalo-" + e.name() + " ")).findFirst()
          .orElseThrow(() -> new AssertionError("no scheduler job for " + e.name()));
      assertTrue(job.contains("'--schedule=" + e.schedule() + "'"), job);
      assertTrue(job.contains("--uri=" + uri), job);
      assertTrue(job.contains("--oidc-service-account-email=avalo-scheduler@demo-proj.iam.gserviceaccount.com"), job);
      assertTrue(job.contains("jobs update http avalo-" + e.name()) && job.contains("jobs create http avalo-" + e.name()), job);
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("gcloud functions add-invoker-policy-binding " + e.name() + " ")),
          "no invoker binding for " + e.name());
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("firebase deploy --project=demo-proj --only=firestore:rules,firestore:indexes,storage,hosting")));
  }

  @Test
  void onlyRestrictsTheDeploy() throws Exception {
    Catalog.Entry first = CATALOG.entries().get(0);
    List<String> only = deploy("demo-proj", "--dry-run", "--skip-build", "--only", first.name());
    assertEquals(1, only.stream().filter(l -> l.startsWith("gcloud functions deploy ")).count(), only.toString());
    assertTrue(only.stream().noneMatch(l -> l.contains("firebase deploy")));
  }
}

package app.avalo.infra.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Catalog;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real {@code deploy.sh} (building its plan inside the reactor like a user's run)
 * against the fake {@code gcloud}/{@code firebase} of {@code src/test/fake-cli}, first on PATH. The
 * fakes keep state and refuse any flag not in the command's table from the gcloud reference, so a
 * run that succeeds is a run the real CLIs accept flag for flag; the assertions read the fakes'
 * state and call log.
 */
class DeployScriptTest {
  private static final Path ROOT =
      Path.of(System.getProperty("avalo.repo.root", "..")).toAbsolutePath().normalize();
  private static final Path FAKES = ROOT.resolve("deploy/src/test/fake-cli");
  private static final String PROJECT = "fake-proj";
  private static final Catalog CATALOG = Catalog.bundled();

  /**
   * How long one deploy.sh run (or printed plan) may take before the test fails and kills it: the
   * first run builds the plan's classpath with Maven (and may run npm ci); later ones take seconds.
   */
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

  /**
   * The fake CLIs as one long-running node process (fake-server.cjs): no node start per gcloud
   * call.
   */
  private static Process fakeServer;

  private static String fakeServerUrl;

  @TempDir Path work;
  private HttpServer probeServer;

  /**
   * Per probed tagged path: the service's traffic in the fake's state at the moment of the probe.
   */
  private final Map<String, String> trafficWhenProbed = new ConcurrentHashMap<>();

  /** Paths (e.g. "/candidate---getrouting") the loopback "Cloud Run" answers with 500. */
  private final Set<String> broken = ConcurrentHashMap.newKeySet();

  private final List<String> probed = new CopyOnWriteArrayList<>();
  private Path source;
  private Path envFile;

  @BeforeAll
  static void startFakeServer() throws Exception {
    fakeServer =
        new ProcessBuilder("node", FAKES.resolve("fake-server.cjs").toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    CompletableFuture<String> banner =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new BufferedReader(
                        new InputStreamReader(fakeServer.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            READERS);
    String line = banner.get(30, TimeUnit.SECONDS);
    assertTrue(
        line != null && line.startsWith("listening "), "fake-server.cjs did not start: " + line);
    fakeServerUrl = "http://127.0.0.1:" + line.substring("listening ".length()).strip();
  }

  @AfterAll
  static void stopFakeServer() throws Exception {
    if (fakeServer != null) {
      fakeServer.getOutputStream().close(); // its stdin ends: it exits
      if (!fakeServer.waitFor(10, TimeUnit.SECONDS)) {
        fakeServer.destroyForcibly();
      }
    }
  }

  /** Readers of children's output: one daemon thread per stream. */
  private static final Executor READERS =
      task -> {
        Thread t = new Thread(task, "child-output-reader");
        t.setDaemon(true);
        t.start();
      };

  /** Output and exit code of a child that ran to completion. */
  record Exec(int code, String out, String err) {}

  /**
   * Runs a child with both output streams read on their own threads (a full pipe cannot stall it)
   * and a deadline: a child (or grandchild) that hangs is killed and fails the test instead of
   * hanging the build.
   */
  static Exec exec(ProcessBuilder pb, Duration timeout) throws Exception {
    Process p = pb.start();
    p.getOutputStream().close();
    // A thread per stream (not the common pool, which on a 2-core machine runs one task at a time:
    // the stream
    // read second would fill its pipe and stall the child).
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), READERS);
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), READERS);
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      String stderr;
      try {
        stderr = err.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        stderr = "(still open: a grandchild holds it)";
      }
      throw new AssertionError(
          pb.command()
              + " did not finish within "
              + timeout
              + " and was killed; its stderr:\n"
              + stderr);
    }
    return new Exec(p.exitValue(), out.get(30, TimeUnit.SECONDS), err.get(30, TimeUnit.SECONDS));
  }

  private static String drain(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * The environment every fake CLI call of a test needs (state, call log, probe base, the fake
   * server).
   */
  private void fakeEnv(Map<String, String> env, Path log) {
    env.put("PATH", FAKES + ":" + env.get("PATH"));
    env.put("FAKE_CLI_STATE", work.resolve("state.json").toString());
    env.put("FAKE_CLI_LOG", log.toString());
    env.put("FAKE_PROBE_BASE", "http://127.0.0.1:" + probeServer.getAddress().getPort());
    env.put("FAKE_CLI_SERVER", fakeServerUrl);
  }

  @BeforeEach
  void start() throws IOException {
    probeServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    probeServer.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          probed.add(exchange.getRequestMethod() + " " + path);
          if (path.contains("---")) {
            String service = path.substring(path.indexOf("---") + 3);
            try {
              trafficWhenProbed.put(path, traffic(service).toString());
            } catch (IOException | RuntimeException e) {
              trafficWhenProbed.put(path, "unreadable: " + e);
            }
          }
          // What the functions answer: a CORS preflight 204, a GET to a private function 400 (see
          // Probe).
          int code =
              broken.contains(path)
                  ? 500
                  : "OPTIONS".equals(exchange.getRequestMethod()) ? 204 : 400;
          exchange.sendResponseHeaders(code, -1);
          exchange.close();
        });
    probeServer.start();
    source = Files.createDirectories(work.resolve("source"));
    Files.writeString(source.resolve("avalo-infra-functions-deploy.jar"), "jar v1");
    envFile = work.resolve("env.yaml");
    Files.writeString(envFile, "CDN_ADAPTER: cloud-cdn\nCLOUD_CDN_URL_MAP: avalo-media\n");
  }

  @AfterEach
  void stop() {
    probeServer.stop(0);
  }

  record Run(int code, String out, String err, List<List<String>> calls) {
    List<List<String>> gcloud(String... prefix) {
      return calls.stream()
          .filter(c -> c.get(0).equals("gcloud") && startsWith(c.subList(1, c.size()), prefix))
          .toList();
    }

    List<List<String>> creates() {
      return calls.stream()
          .filter(c -> c.contains("create") || c.contains("hosting:sites:create"))
          .toList();
    }

    private static boolean startsWith(List<String> argv, String... prefix) {
      if (argv.size() < prefix.length) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (!argv.get(i).equals(prefix[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private Run deploy(Map<String, String> extraEnv, String... args) throws Exception {
    Path log = work.resolve("calls.jsonl");
    Files.deleteIfExists(log);
    Files.createFile(log);
    List<String> command =
        new ArrayList<>(List.of("bash", ROOT.resolve("deploy.sh").toString(), PROJECT));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
    Map<String, String> env = pb.environment();
    fakeEnv(env, log);
    env.put("AVALO_DEPLOY_SOURCE", source.toString());
    env.putAll(extraEnv);
    Exec p = exec(pb, RUN_TIMEOUT);
    List<List<String>> calls = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      JsonObject call = JsonParser.parseString(line).getAsJsonObject();
      List<String> argv = new ArrayList<>(List.of(call.get("cli").getAsString()));
      call.getAsJsonArray("argv").forEach(a -> argv.add(a.getAsString()));
      calls.add(argv);
    }
    return new Run(p.code(), p.out(), p.err(), calls);
  }

  private Run deploy(String... args) throws Exception {
    return deploy(Map.of(), args);
  }

  private Run ok(Run run) {
    assertEquals(0, run.code(), () -> "deploy.sh failed:\n" + run.err());
    return run;
  }

  private JsonObject state() throws IOException {
    return JsonParser.parseString(Files.readString(work.resolve("state.json"))).getAsJsonObject();
  }

  private JsonArray traffic(String service) throws IOException {
    return state().getAsJsonObject("services").getAsJsonObject(service).getAsJsonArray("traffic");
  }

  private List<String> revisions(String service) throws IOException {
    List<String> out = new ArrayList<>();
    state()
        .getAsJsonObject("services")
        .getAsJsonObject(service)
        .getAsJsonArray("revisions")
        .forEach(r -> out.add(r.getAsJsonObject().get("name").getAsString()));
    return out;
  }

  /** The revision with 100% of the traffic, or fails. */
  private String serving(String service) throws IOException {
    for (JsonElement t : traffic(service)) {
      JsonObject o = t.getAsJsonObject();
      if (o.get("percent").getAsInt() == 100) {
        assertTrue(
            o.has("revisionName"),
            "traffic floats to latest instead of being pinned: " + traffic(service));
        return o.get("revisionName").getAsString();
      }
    }
    throw new AssertionError("no revision serves 100%: " + traffic(service));
  }

  private void bootstrapped() throws Exception {
    ok(deploy("--bootstrap"));
  }

  @Test
  void bootstrapProvisionsEverythingAndASecondRunCreatesNothing() throws Exception {
    Run first = ok(deploy("--bootstrap"));
    JsonObject s = state();
    for (String domain :
        List.of(
            "monitoring", "scaling", "routing", "cost", "cdn", "recovery", "scheduler", "build")) {
      assertTrue(
          s.getAsJsonObject("serviceAccounts")
              .has("avalo-" + domain + "@" + PROJECT + ".iam.gserviceaccount.com"),
          "no service account for " + domain);
    }
    JsonObject buckets = s.getAsJsonObject("buckets");
    JsonObject uploads = buckets.getAsJsonObject("gs://" + PROJECT + "-uploads");
    assertEquals(true, uploads.get("--public-access-prevention").getAsBoolean());
    assertEquals(true, uploads.get("--uniform-bucket-level-access").getAsBoolean());
    JsonObject rule =
        uploads.getAsJsonObject("--lifecycle-file").getAsJsonArray("rule").get(0).getAsJsonObject();
    assertEquals("Delete", rule.getAsJsonObject("action").get("type").getAsString());
    assertEquals(1, rule.getAsJsonObject("condition").get("age").getAsInt());
    assertEquals(
        "uploads/",
        rule.getAsJsonObject("condition").getAsJsonArray("matchesPrefix").get(0).getAsString());
    JsonObject backups = buckets.getAsJsonObject("gs://" + PROJECT + "-backups");
    assertTrue(
        backups
            .get("--default-encryption-key")
            .getAsString()
            .endsWith("/keyRings/avalo/cryptoKeys/backups"));
    assertEquals("30d", backups.get("--soft-delete-duration").getAsString());
    assertEquals(true, backups.get("--public-access-prevention").getAsBoolean());
    JsonObject media = buckets.getAsJsonObject("gs://" + PROJECT + "-media");
    assertEquals(false, media.get("--public-access-prevention").getAsBoolean());
    assertTrue(
        media.getAsJsonArray("iam").toString().contains("allUsers"),
        "media is served through the CDN");
    assertTrue(s.getAsJsonObject("firestore").get("pitr").getAsBoolean());
    assertTrue(s.getAsJsonObject("firestore").getAsJsonObject("ttl").has("costEvents/expireAt"));
    assertTrue(s.getAsJsonObject("firestore").getAsJsonObject("exempt").has("costEvents/expireAt"));
    assertTrue(s.getAsJsonObject("hostingSites").has(PROJECT));
    assertTrue(
        s.getAsJsonObject("secrets")
            .getAsJsonObject("cloudflare-api-token")
            .getAsJsonArray("iam")
            .toString()
            .contains("avalo-cdn@"),
        "only the cdn account reads the Cloudflare token");
    JsonObject queue =
        s.getAsJsonObject("queues").getAsJsonObject(CATALOG.defaultRegion() + "/video-transcode");
    assertEquals(
        "5",
        queue.get("--max-attempts").getAsString(),
        "the worker dead-letters at the same attempt");
    assertEquals(
        "10",
        queue.get("--max-concurrent-dispatches").getAsString(),
        "transcodeVideo's maxInstances");
    assertTrue(
        s.getAsJsonObject("serviceAccounts")
            .has("avalo-tasks@" + PROJECT + ".iam.gserviceaccount.com"));
    assertFalse(first.creates().isEmpty());
    // Least privilege: project-wide only Firestore and the two custom roles with exactly what the
    // code calls;
    // acting as a service account is granted on that account (the backends') only.
    String sa = "@" + PROJECT + ".iam.gserviceaccount.com";
    assertEquals(
        Set.of("roles/datastore.user", "projects/" + PROJECT + "/roles/avaloScalingActuator"),
        projectRoles(s, "serviceAccount:avalo-scaling" + sa));
    assertEquals(
        Set.of(
            "roles/datastore.user",
            "projects/" + PROJECT + "/roles/avaloCdnPurger",
            "roles/cloudtasks.enqueuer"),
        projectRoles(s, "serviceAccount:avalo-cdn" + sa));
    for (JsonElement b : s.getAsJsonArray("projectIam")) {
      String role = b.getAsJsonObject().get("role").getAsString();
      assertFalse(
          Set.of(
                  "roles/run.developer",
                  "roles/iam.serviceAccountUser",
                  "roles/compute.loadBalancerAdmin",
                  "roles/run.admin",
                  "roles/editor",
                  "roles/owner")
              .contains(role),
          "project-wide " + b);
    }
    JsonObject roles = s.getAsJsonObject("customRoles");
    assertEquals(
        List.of(
            "run.services.get",
            "run.services.update",
            "run.operations.get",
            "monitoring.timeSeries.list"),
        strings(
            roles
                .getAsJsonObject("projects/" + PROJECT + "/roles/avaloScalingActuator")
                .getAsJsonArray("includedPermissions")));
    assertEquals(
        List.of(
            "compute.urlMaps.invalidateCache", "monitoring.timeSeries.list", "storage.buckets.get"),
        strings(
            roles
                .getAsJsonObject("projects/" + PROJECT + "/roles/avaloCdnPurger")
                .getAsJsonArray("includedPermissions")));
    assertTrue(
        s.getAsJsonObject("serviceAccounts").has("avalo-backend" + sa),
        "the default private invoker exists");
    JsonObject saIam = s.getAsJsonObject("saIam");
    assertEquals(Set.of("avalo-backend" + sa, "avalo-tasks" + sa), saIam.keySet());
    assertEquals(
        "[{\"member\":\"serviceAccount:avalo-scaling"
            + sa
            + "\",\"role\":\"roles/iam.serviceAccountUser\"}]",
        saIam.getAsJsonArray("avalo-backend" + sa).toString());
    // Enqueuing a task with an OIDC token of avalo-tasks needs actAs on that account: cdn only.
    assertEquals(
        "[{\"member\":\"serviceAccount:avalo-cdn"
            + sa
            + "\",\"role\":\"roles/iam.serviceAccountUser\"}]",
        saIam.getAsJsonArray("avalo-tasks" + sa).toString());

    Run second = ok(deploy("--bootstrap"));
    assertEquals(List.of(), second.creates(), "a second bootstrap must create nothing");
    assertFalse(second.calls().isEmpty());
  }

  @Test
  void deployTwiceTheSecondRunSucceedsAndOnlyUpdates() throws Exception {
    bootstrapped();
    Run first = ok(deploy("--env-file", envFile.toString()));
    assertEquals(CATALOG.entries().size(), first.gcloud("functions", "deploy").size());
    long jobs = CATALOG.entries().stream().filter(Catalog.Entry::isJob).count();
    assertEquals(jobs, first.gcloud("scheduler", "jobs", "create", "http").size());
    // Rules and indexes go out before the first function.
    int rules =
        indexOf(first.calls(), "firebase", "--only=firestore:rules,firestore:indexes,storage");
    int firstFunction = indexOf(first.calls(), "gcloud", "deploy");
    assertTrue(
        rules >= 0 && rules < firstFunction, "rules/indexes must deploy before the functions");
    JsonObject fns = state().getAsJsonObject("functions");
    assertEquals(
        "avalo-cost@" + PROJECT + ".iam.gserviceaccount.com",
        fns.getAsJsonObject("checkThrottle").get("serviceAccount").getAsString());
    assertEquals(true, fns.getAsJsonObject("getRegionStatuses").get("public").getAsBoolean());
    assertEquals(false, fns.getAsJsonObject("trackAiCost").get("public").getAsBoolean());

    Run second = ok(deploy("--env-file", envFile.toString()));
    assertEquals(List.of(), second.creates(), "the second deploy must not create anything");
    assertEquals(
        0, second.gcloud("functions", "deploy").size(), "nothing changed, nothing is redeployed");
    assertEquals(jobs, second.gcloud("scheduler", "jobs", "update", "http").size());
    assertTrue(second.err().contains("unchanged"), second.err());

    // A new jar: every function rolls out again, each through a dark revision, its probe and a
    // traffic move.
    Files.writeString(source.resolve("avalo-infra-functions-deploy.jar"), "jar v2");
    Run third = ok(deploy("--env-file", envFile.toString()));
    assertEquals(CATALOG.entries().size(), third.gcloud("functions", "deploy").size());
    assertEquals(List.of(), third.creates());
    // getRouting asks for startup CPU boost: each rollout is the revision gcloud functions deploy
    // built (no boost
    // flag there) and its boosted copy, which is the one probed and then served.
    String svc = Deployer.serviceName("getRouting");
    List<String> revs = revisions(svc);
    assertEquals(4, revs.size(), revs.toString());
    assertEquals(revs.get(3), serving(svc));
    assertTrue(cpuBoost(svc, revs.get(3)), "the serving revision has startup CPU boost");
    assertFalse(cpuBoost(svc, revs.get(2)));
    assertTrue(probed.contains("OPTIONS /candidate---" + svc), probed.toString());
    assertTrue(
        probed.contains("GET /candidate---" + Deployer.serviceName("trackAiCost")),
        probed.toString());
    // While the candidate was probed, the previous revision still had all the traffic.
    String whenProbed = trafficWhenProbed.get("/candidate---" + svc);
    JsonArray atProbe = JsonParser.parseString(whenProbed).getAsJsonArray();
    for (JsonElement t : atProbe) {
      JsonObject target = t.getAsJsonObject();
      int percent = target.has("percent") ? target.get("percent").getAsInt() : 0;
      assertEquals(
          target.has("revisionName") && target.get("revisionName").getAsString().equals(revs.get(1))
              ? 100
              : 0,
          percent,
          "traffic while the candidate was probed: " + whenProbed);
    }
    // A job (no boost): one revision per rollout, none with boost.
    String job = Deployer.serviceName("runHealthCheck");
    assertEquals(2, revisions(job).size());
    assertFalse(cpuBoost(job, serving(job)));
  }

  @Test
  void onlyDeploysJustTheNamedFunction() throws Exception {
    bootstrapped();
    Run run = ok(deploy("--env-file", envFile.toString(), "--only", "runHealthCheck"));
    assertEquals(1, run.gcloud("functions", "deploy").size());
    assertEquals("runHealthCheck", run.gcloud("functions", "deploy").get(0).get(3));
    assertEquals(1, run.gcloud("scheduler", "jobs", "create", "http").size());
    assertTrue(
        run.calls().stream().noneMatch(c -> c.get(0).equals("firebase")),
        "--only skips the Firebase deploy");
  }

  @Test
  void aFlagTheRealCliDoesNotHaveIsRejected() throws Exception {
    // The fake itself refuses what gcloud refuses: the flag that broke the second deploy before
    // this change.
    Path log = work.resolve("direct.jsonl");
    ProcessBuilder pb =
        new ProcessBuilder(
            FAKES.resolve("gcloud").toString(),
            "scheduler",
            "jobs",
            "update",
            "http",
            "avalo-x",
            "--project=p",
            "--location=l",
            "--headers=Content-Type=application/json");
    pb.environment().put("FAKE_CLI_STATE", work.resolve("direct.json").toString());
    pb.environment().put("FAKE_CLI_LOG", log.toString());
    Exec direct =
        exec(pb, Duration.ofSeconds(60)); // no FAKE_CLI_SERVER: the standalone `node fake.cjs` path
    assertEquals(2, direct.code(), direct.err());
    assertTrue(
        direct.err().contains("unrecognized arguments") && direct.err().contains("--headers"),
        direct.err());

    // And a plan flag that is not in the command's table fails the whole deploy.
    bootstrapped();
    Run run =
        deploy(
            Map.of("FAKE_CLI_DROP_FLAG", "functions deploy --update-labels"),
            "--env-file",
            envFile.toString(),
            "--only",
            "getRouting");
    assertNotEquals(0, run.code());
    assertTrue(run.err().contains("unrecognized arguments"), run.err());
  }

  @Test
  void aFailingProbeRollsThatFunctionBackAndOthersProceed() throws Exception {
    bootstrapped();
    ok(deploy("--env-file", envFile.toString(), "--only", "getRouting", "checkThrottle"));
    String routing = Deployer.serviceName("getRouting");
    String throttle = Deployer.serviceName("checkThrottle");
    String before = serving(routing);
    // Someone sent the traffic back to LATEST by hand: a deploy would now move it to the new
    // revision (Cloud
    // Functions honours the service's traffic configuration), unless the rollout pins the serving
    // revision first.
    runFake(
        "run",
        "services",
        "update-traffic",
        routing,
        "--to-latest",
        "--region=" + CATALOG.defaultRegion(),
        "--project=" + PROJECT);
    assertTrue(traffic(routing).toString().contains("latestRevision"), traffic(routing).toString());
    Files.writeString(
        source.resolve("avalo-infra-functions-deploy.jar"), "jar v2 (broken routing)");
    broken.add("/candidate---" + routing);
    Run run = deploy("--env-file", envFile.toString(), "--only", "getRouting", "checkThrottle");
    String atProbe = trafficWhenProbed.get("/candidate---" + routing);
    assertTrue(
        atProbe.contains("\"revisionName\":\"" + before + "\",\"percent\":100"),
        "the broken candidate must get no traffic while it is probed: " + atProbe);
    assertNotEquals(0, run.code());
    assertTrue(run.err().contains("getRouting: rolled back to " + before), run.err());
    assertEquals(before, serving(routing), "the broken revision must not serve");
    assertEquals(4, revisions(routing).size());
    assertEquals(
        revisions(throttle).get(3), serving(throttle), "the healthy function still rolls out");
    assertFalse(traffic(routing).toString().contains("candidate"), "the candidate tag is removed");
  }

  @Test
  void canaryStepsMoveTrafficAndAnErrorRateAboveTheLimitRollsBack() throws Exception {
    bootstrapped();
    ok(deploy("--env-file", envFile.toString(), "--only", "getRouting"));
    String svc = Deployer.serviceName("getRouting");
    String before = serving(svc);
    Files.writeString(source.resolve("avalo-infra-functions-deploy.jar"), "jar v2");
    Run run =
        ok(
            deploy(
                "--env-file",
                envFile.toString(),
                "--only",
                "getRouting",
                "--canary",
                "10,50,100",
                "--canary-wait",
                "0"));
    List<String> steps =
        run.gcloud("run", "services", "update-traffic").stream()
            .flatMap(c -> c.stream().filter(w -> w.startsWith("--to-tags=")))
            .toList();
    assertEquals(
        List.of("--to-tags=candidate=10", "--to-tags=candidate=50", "--to-tags=candidate=100"),
        steps);
    assertEquals(
        2, run.gcloud("logging", "read").size(), "an error-rate check after each partial step");
    String second = serving(svc);
    assertNotEquals(before, second);

    // 5xx from the service's revisions during the canary: back to the serving revision at the first
    // step.
    JsonObject s = state();
    JsonArray logs = new JsonArray();
    for (int i = 0; i < 10; i++) {
      JsonObject entry = new JsonObject();
      entry.addProperty("service", svc);
      entry.addProperty("status", i < 3 ? 500 : 200);
      logs.add(entry);
    }
    s.add("logs", logs);
    Files.writeString(work.resolve("state.json"), s.toString());
    Files.writeString(source.resolve("avalo-infra-functions-deploy.jar"), "jar v3");
    Run bad =
        deploy(
            "--env-file",
            envFile.toString(),
            "--only",
            "getRouting",
            "--canary",
            "10,50,100",
            "--canary-wait",
            "0");
    assertNotEquals(0, bad.code());
    assertTrue(bad.err().contains("error rate 3/10"), bad.err());
    assertEquals(second, serving(svc));
  }

  @Test
  void rollbackReturnsToThePreviousRevision() throws Exception {
    bootstrapped();
    ok(deploy("--env-file", envFile.toString(), "--only", "getRouting"));
    Files.writeString(source.resolve("avalo-infra-functions-deploy.jar"), "jar v2");
    ok(deploy("--env-file", envFile.toString(), "--only", "getRouting"));
    String svc = Deployer.serviceName("getRouting");
    List<String> revs = revisions(svc); // per rollout: the un-boosted build, then its boosted copy
    assertEquals(4, revs.size(), revs.toString());
    assertEquals(revs.get(3), serving(svc));
    ok(deploy("--rollback", "getRouting"));
    assertEquals(
        revs.get(1),
        serving(svc),
        "back to the revision rolled out before (not the build in between)");
    Run none = deploy("--rollback", "getRouting");
    assertNotEquals(0, none.code(), "the first revision has nothing before it");
  }

  @Test
  void functionsAndJobsNoLongerInTheCatalogAreListedAndDeletedOnlyWithPrune() throws Exception {
    bootstrapped();
    ok(deploy("--env-file", envFile.toString()));
    // Something an older catalog deployed: a function with our label and its job.
    runFake(
        "functions",
        "deploy",
        "oldReport",
        "--gen2",
        "--project=" + PROJECT,
        "--region=" + CATALOG.defaultRegion(),
        "--runtime=java21",
        "--entry-point=app.avalo.infra.cost.OldReport",
        "--trigger-http",
        "--source=" + source,
        "--update-labels=avalo-managed=true,avalo-hash=x");
    runFake(
        "scheduler",
        "jobs",
        "create",
        "http",
        "avalo-oldReport",
        "--project=" + PROJECT,
        "--location=" + CATALOG.defaultRegion(),
        "--schedule=0 1 * * *",
        "--uri=https://example.invalid/oldReport");
    Run kept = ok(deploy("--env-file", envFile.toString()));
    assertTrue(kept.err().contains("oldReport") && kept.err().contains("--prune"), kept.err());
    assertTrue(state().getAsJsonObject("functions").has("oldReport"));
    Run pruned = ok(deploy("--env-file", envFile.toString(), "--prune"));
    assertFalse(state().getAsJsonObject("functions").has("oldReport"));
    assertFalse(
        state().getAsJsonObject("jobs").keySet().stream()
            .anyMatch(k -> k.endsWith("avalo-oldReport")));
    assertEquals(
        1, pruned.gcloud("functions", "delete").size(), "only the stale function is deleted");
    assertTrue(state().getAsJsonObject("functions").has("getRouting"));
  }

  @Test
  void thePreflightNamesEveryMissingVariableInOneError() throws Exception {
    bootstrapped();
    Path partial = work.resolve("partial.yaml");
    Files.writeString(
        partial, "CDN_ADAPTER: cloudflare\n"); // needs a zone id and the token's secret version
    String ghost = "serviceAccount:ghost-backend@" + PROJECT + ".iam.gserviceaccount.com";
    Run run = deploy(Map.of("AVALO_PRIVATE_INVOKERS", ghost), "--env-file", partial.toString());
    assertNotEquals(0, run.code());
    assertTrue(run.err().contains("CLOUDFLARE_ZONE_ID is missing"), run.err());
    assertTrue(run.err().contains("cloudflare-api-token, which has no version"), run.err());
    assertTrue(run.err().contains("private invoker " + ghost + " does not exist"), run.err());
    assertEquals(
        0, run.gcloud("functions", "deploy").size(), "nothing deploys after a failed preflight");
  }

  @Test
  void theDryRunPrintsOnlyCommandsAndThosePassTheFakesAsPrinted() throws Exception {
    Run boot = ok(deploy("--bootstrap", "--dry-run"));
    Run plan = ok(deploy("--dry-run", "--env-file", envFile.toString()));
    Run rollback = ok(deploy("--rollback", "getRouting", "runHealthCheck", "--dry-run"));
    for (Run printed : List.of(boot, plan, rollback)) {
      assertTrue(
          printed
              .out()
              .lines()
              .allMatch(
                  l ->
                      l.startsWith("gcloud ")
                          || l.startsWith("firebase ")
                          || l.startsWith("if ")
                          || l.startsWith("new=$(")
                          || l.startsWith("cur=$(")
                          || l.startsWith("prev=$(")
                          || l.startsWith("[ ")
                          || l.contains(" >/dev/null 2>&1 || ")),
          printed.out());
    }
    assertTrue(plan.out().contains("--update-headers=Content-Type=application/json"));
    assertTrue(
        plan.out()
            .contains("--service-account=avalo-routing@" + PROJECT + ".iam.gserviceaccount.com"));
    assertFalse(rollback.out().contains("PREVIOUS_REVISION"), rollback.out());
    assertEquals(0, calls(work.resolve("calls.jsonl")), "a dry run calls no CLI");
    // The printed plans are what a GCP engineer would run as is: run them, bootstrap then deploy
    // (twice: two
    // rollouts), then the rollback, against the fakes.
    runPlan(boot);
    runPlan(plan);
    assertEquals(CATALOG.entries().size(), state().getAsJsonObject("functions").size());
    String routing = Deployer.serviceName("getRouting");
    String job = Deployer.serviceName("runHealthCheck");
    String routingFirst = serving(routing);
    String jobFirst = serving(job);
    assertTrue(
        cpuBoost(routing, routingFirst),
        "the printed plan gives getRouting's serving revision startup CPU boost");
    assertFalse(cpuBoost(job, jobFirst));
    runPlan(plan);
    assertNotEquals(routingFirst, serving(routing));
    assertNotEquals(jobFirst, serving(job));
    assertTrue(cpuBoost(routing, serving(routing)));
    runPlan(rollback);
    assertEquals(
        routingFirst,
        serving(routing),
        "the printed rollback returns to the revision rolled out before");
    assertEquals(jobFirst, serving(job));
  }

  private static Set<String> projectRoles(JsonObject state, String member) {
    Set<String> out = new TreeSet<>();
    for (JsonElement b : state.getAsJsonArray("projectIam")) {
      if (b.getAsJsonObject().get("member").getAsString().equals(member)) {
        out.add(b.getAsJsonObject().get("role").getAsString());
      }
    }
    return out;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.getAsString()));
    return out;
  }

  private static long calls(Path log) throws IOException {
    return Files.exists(log)
        ? Files.readAllLines(log).stream().filter(l -> !l.isBlank()).count()
        : 0;
  }

  /** Whether a revision in the fake's state has startup CPU boost. */
  private boolean cpuBoost(String service, String revision) throws IOException {
    for (JsonElement r :
        state().getAsJsonObject("services").getAsJsonObject(service).getAsJsonArray("revisions")) {
      if (r.getAsJsonObject().get("name").getAsString().equals(revision)) {
        return r.getAsJsonObject().get("cpuBoost").getAsBoolean();
      }
    }
    throw new AssertionError("no revision " + revision + " of " + service);
  }

  private void runFake(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(FAKES.resolve("gcloud").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    fakeEnv(pb.environment(), work.resolve("direct.jsonl"));
    Exec p = exec(pb, Duration.ofSeconds(60));
    assertEquals(0, p.code(), p.err());
  }

  /** Runs a printed plan with bash (set -euo pipefail) against the fakes; it must succeed. */
  private void runPlan(Run printed) throws Exception {
    Path script = work.resolve("plan.sh");
    Files.writeString(script, "set -euo pipefail\n" + printed.out());
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(ROOT.toFile());
    fakeEnv(pb.environment(), work.resolve("printed.jsonl"));
    Exec p = exec(pb, RUN_TIMEOUT);
    assertEquals(
        0,
        p.code(),
        () -> "the printed plan failed:\n" + p.err() + "\n--- plan:\n" + printed.out());
  }

  private static int indexOf(List<List<String>> calls, String cli, String word) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).get(0).equals(cli) && calls.get(i).contains(word)) {
        return i;
      }
    }
    return -1;
  }
}

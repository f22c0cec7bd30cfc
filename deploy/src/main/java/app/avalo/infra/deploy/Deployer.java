package app.avalo.infra.deploy;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Sha256;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Bootstrap, deploy, rollback and prune of one project. With {@code dryRun} every command is
 * printed (runnable by bash as is: create-or-update steps are printed as {@code if describe; then
 * update; else create; fi}) and nothing runs; otherwise each command runs through {@link Cli} and
 * the state answers (does it exist, which revision serves, what does the probe say) decide the next
 * one.
 *
 * <p>Functions are deployed with {@code gcloud functions deploy} (Cloud Functions v2 API), so their
 * {@code https://REGION-PROJECT.cloudfunctions.net/NAME} URLs — which the apps' {@code
 * httpsCallable(name)} and the scheduler jobs call — stay stable; traffic is managed on the
 * function's underlying Cloud Run service. A rollout: pin the serving revision ({@code
 * update-traffic --to-revisions=CURRENT=100}: Cloud Functions honours a split pinned to revision
 * names, so the deploy's new revision gets no traffic), deploy, give the new revision the catalog's
 * startup CPU boost (a dark copy via {@code gcloud run services update --[no-]cpu-boost
 * --no-traffic --tag}, since {@code functions deploy} has no such flag) or tag it, probe its tagged
 * URL, then move traffic in the canary steps with an error-rate check between them, and pin the new
 * revision. A failed probe or error-rate check puts 100% back on the previous revision.
 * docs/deploy.md ("Why these commands") cites the documentation each step relies on.
 */
final class Deployer {
  static final String HASH_LABEL = "avalo-hash";
  static final String MANAGED_LABEL = "avalo-managed";

  /** What to do. */
  record Options(
      Path root,
      String project,
      String region,
      String schedulerLocation,
      Path sourceDir,
      Path envFile,
      Set<String> only,
      boolean dryRun,
      boolean prune,
      List<Integer> canary,
      int canaryWaitSeconds,
      double maxErrorRate,
      String invokersOverride) {}

  private final Options o;
  private final Catalog catalog;
  private final Map<String, JsonObject> rawEntries;
  private final DeployConfig config;
  private final Cli cli = new Cli();
  private final PrintStream out;
  private final List<String> failures = new ArrayList<>();

  Deployer(Options o, PrintStream out) throws IOException {
    this.o = o;
    this.out = out;
    String catalogText = Files.readString(o.root().resolve("catalog.json"));
    this.catalog = Catalog.parse(new StringReader(catalogText));
    this.rawEntries = new LinkedHashMap<>();
    for (JsonElement e :
        JsonParser.parseString(catalogText).getAsJsonObject().getAsJsonArray("functions")) {
      rawEntries.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject());
    }
    this.config =
        DeployConfig.load(
            o.root().resolve("deploy/deploy.json"), o.project(), o.region(), o.invokersOverride());
    List<String> unknown = o.only().stream().filter(n -> catalog.byName(n).isEmpty()).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "--only names functions that are not in catalog.json: " + unknown);
    }
  }

  List<String> failures() {
    return failures;
  }

  // ---------------------------------------------------------------- command helpers

  /**
   * {@code gcloud run services update-traffic SVC} in the deploy region and project, then {@code
   * flags}.
   */
  private List<String> updateTraffic(String svc, String... flags) {
    List<String> command = gcloud("run", "services", "update-traffic", svc, r(), p());
    command.addAll(List.of(flags));
    return command;
  }

  private List<String> gcloud(String... words) {
    List<String> c = new ArrayList<>(List.of("gcloud"));
    c.addAll(List.of(words));
    return c;
  }

  private List<String> with(List<String> base, String... more) {
    List<String> c = new ArrayList<>(base);
    c.addAll(List.of(more));
    return c;
  }

  private String p() {
    return "--project=" + o.project();
  }

  private String r() {
    return "--region=" + o.region();
  }

  /** An idempotent command: printed, or run and required to succeed. */
  private Cli.Result run(List<String> command) {
    if (o.dryRun()) {
      out.println(Shell.join(command));
      return new Cli.Result(0, "", "");
    }
    return cli.must(command);
  }

  /** Creates a thing unless it exists: a second run creates nothing. */
  private void ensure(List<String> describe, List<String> create) {
    if (o.dryRun()) {
      out.println(Shell.join(describe) + " >/dev/null 2>&1 || " + Shell.join(create));
      return;
    }
    if (!exists(describe)) {
      cli.must(create);
    }
  }

  /** Updates a thing if it exists, else creates it. */
  private void upsert(List<String> describe, List<String> update, List<String> create) {
    if (o.dryRun()) {
      out.println(
          "if "
              + Shell.join(describe)
              + " >/dev/null 2>&1; then "
              + Shell.join(update)
              + "; else "
              + Shell.join(create)
              + "; fi");
      return;
    }
    cli.must(exists(describe) ? update : create);
  }

  private boolean exists(List<String> describe) {
    Cli.Result d = cli.run(describe);
    if (d.ok()) {
      return true;
    }
    if (d.notFound()) {
      return false;
    }
    throw new Cli.Failure(describe, d);
  }

  private JsonObject describeJson(List<String> describe) {
    Cli.Result d = cli.run(with(describe, "--format=json"));
    if (d.ok()) {
      return JsonParser.parseString(d.out()).getAsJsonObject();
    }
    if (d.notFound()) {
      return null;
    }
    throw new Cli.Failure(describe, d);
  }

  // ---------------------------------------------------------------- bootstrap

  void bootstrap() {
    List<String> enable = gcloud("services", "enable");
    enable.addAll(config.apis());
    enable.add(p());
    run(enable);
    // Identities: one runtime account per domain, the scheduler's invoker, the build account.
    Map<String, String> accounts = new LinkedHashMap<>();
    config
        .runtimeAccounts()
        .values()
        .forEach(rt -> accounts.put(rt.email(), "Avalo " + rt.domain() + " functions (runtime)"));
    accounts.put(config.backendAccount(), "Avalo backends (calls the private functions)");
    accounts.put(config.schedulerAccount(), "Avalo Cloud Scheduler invoker");
    accounts.put(config.buildAccount(), "Avalo function builds");
    TaskQueues tasks = taskQueueConfig();
    if (!tasks.queues().isEmpty()) {
      // Created with the others: runtime accounts act as it (the OIDC token of the tasks they
      // enqueue).
      accounts.put(tasks.invokerEmail(), "Avalo Cloud Tasks invoker");
    }
    accounts.forEach(
        (email, display) ->
            ensure(
                gcloud("iam", "service-accounts", "describe", email, p()),
                gcloud(
                    "iam",
                    "service-accounts",
                    "create",
                    email.substring(0, email.indexOf('@')),
                    p(),
                    "--display-name=" + display)));
    // Custom roles with exactly the permissions the code calls (update keeps an existing role's
    // list exact).
    for (DeployConfig.CustomRole role : config.customRoles().values()) {
      String permissions = "--permissions=" + String.join(",", role.permissions());
      upsert(
          gcloud("iam", "roles", "describe", role.id(), p()),
          gcloud(
              "iam",
              "roles",
              "update",
              role.id(),
              p(),
              permissions,
              "--title=" + role.title(),
              "--stage=GA",
              "--quiet"),
          gcloud(
              "iam",
              "roles",
              "create",
              role.id(),
              p(),
              permissions,
              "--title=" + role.title(),
              "--stage=GA"));
    }
    for (DeployConfig.RuntimeAccount rt : config.runtimeAccounts().values()) {
      for (String role : rt.projectRoles()) {
        grantProject(rt.email(), role);
      }
      // Acting as an account (e.g. updating a Cloud Run service that runs as it): granted on that
      // account only.
      for (String account : rt.actAs()) {
        run(
            gcloud(
                "iam",
                "service-accounts",
                "add-iam-policy-binding",
                account,
                "--member=serviceAccount:" + rt.email(),
                "--role=roles/iam.serviceAccountUser",
                p()));
      }
    }
    for (String role : config.buildRoles()) {
      grantProject(config.buildAccount(), role);
    }
    // Customer-managed key for the backups bucket, created before the bucket that uses it.
    boolean cmek = config.buckets().values().stream().anyMatch(DeployConfig.Bucket::cmek);
    String kmsLocation = "--location=" + o.region();
    if (cmek) {
      ensure(
          gcloud("kms", "keyrings", "describe", config.kmsKeyRing(), kmsLocation, p()),
          gcloud("kms", "keyrings", "create", config.kmsKeyRing(), kmsLocation, p()));
      ensure(
          gcloud(
              "kms",
              "keys",
              "describe",
              config.kmsKey(),
              "--keyring=" + config.kmsKeyRing(),
              kmsLocation,
              p()),
          gcloud(
              "kms",
              "keys",
              "create",
              config.kmsKey(),
              "--keyring=" + config.kmsKeyRing(),
              kmsLocation,
              "--purpose=encryption",
              p()));
      // Lets Cloud Storage's service agent use the key (encrypts every object written to the
      // bucket).
      run(
          gcloud(
              "storage",
              "service-agent",
              p(),
              "--authorize-cmek=" + config.kmsKeyName(o.project(), o.region())));
    }
    for (DeployConfig.Bucket b : config.buckets().values()) {
      bucket(b);
    }
    for (DeployConfig.RuntimeAccount rt : config.runtimeAccounts().values()) {
      rt.bucketRoles()
          .forEach(
              (key, role) ->
                  run(
                      gcloud(
                          "storage",
                          "buckets",
                          "add-iam-policy-binding",
                          "gs://" + config.buckets().get(key).name(),
                          "--member=serviceAccount:" + rt.email(),
                          "--role=" + role,
                          p())));
    }
    // Secrets: the container exists, its value is added by the operator (docs/deploy.md); readers
    // get access.
    for (DeployConfig.Secret s : config.secrets().values()) {
      ensure(
          gcloud("secrets", "describe", s.secret(), p()),
          gcloud("secrets", "create", s.secret(), "--replication-policy=automatic", p()));
      for (DeployConfig.RuntimeAccount rt : config.runtimeAccounts().values()) {
        if (rt.secrets().contains(s.secret())) {
          run(
              gcloud(
                  "secrets",
                  "add-iam-policy-binding",
                  s.secret(),
                  "--member=serviceAccount:" + rt.email(),
                  "--role=roles/secretmanager.secretAccessor",
                  p()));
        }
      }
    }
    // Firestore: point-in-time recovery, TTL policies with their fields exempt from indexing.
    run(gcloud("firestore", "databases", "update", "--database=(default)", "--enable-pitr", p()));
    for (DeployConfig.Ttl t : config.ttl()) {
      run(
          gcloud(
              "firestore",
              "fields",
              "ttls",
              "update",
              t.field(),
              "--collection-group=" + t.collectionGroup(),
              "--enable-ttl",
              "--async",
              p()));
      run(
          gcloud(
              "firestore",
              "indexes",
              "fields",
              "update",
              t.field(),
              "--collection-group=" + t.collectionGroup(),
              "--disable-indexes",
              "--async",
              p()));
    }
    taskQueues(tasks);
    ensure(
        List.of("firebase", "hosting:sites:get", o.project(), p(), "--non-interactive"),
        List.of("firebase", "hosting:sites:create", o.project(), p(), "--non-interactive"));
  }

  /**
   * Cloud Tasks (deploy.json {@code taskQueues}): the account the tasks' OIDC tokens are of,
   * allowed to invoke the functions (Cloud Run checks the token), and each queue with its retry
   * settings.
   */
  private void taskQueues(TaskQueues tasks) {
    if (tasks.queues().isEmpty()) {
      return;
    }
    grantProject(tasks.invokerEmail(), "roles/run.invoker");
    for (TaskQueues.Queue q : tasks.queues()) {
      String location = "--location=" + tasks.location();
      List<String> update = gcloud("tasks", "queues", "update", q.id(), location, p());
      update.addAll(q.flags());
      List<String> create = gcloud("tasks", "queues", "create", q.id(), location, p());
      create.addAll(q.flags());
      upsert(gcloud("tasks", "queues", "describe", q.id(), location, p()), update, create);
    }
  }

  private TaskQueues taskQueueConfig() {
    try {
      return TaskQueues.load(o.root().resolve("deploy/deploy.json"), o.project(), o.region());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void grantProject(String email, String role) {
    run(
        gcloud(
            "projects",
            "add-iam-policy-binding",
            o.project(),
            "--member=serviceAccount:" + email,
            "--role=" + role,
            "--condition=None"));
  }

  private void bucket(DeployConfig.Bucket b) {
    String url = "gs://" + b.name();
    List<String> create =
        gcloud(
            "storage",
            "buckets",
            "create",
            url,
            p(),
            "--location=" + o.region(),
            "--uniform-bucket-level-access");
    // Media is read by the CDN (and browsers) straight from the bucket; everything else is private.
    create.add(b.publicRead() ? "--no-public-access-prevention" : "--public-access-prevention");
    List<String> update = gcloud("storage", "buckets", "update", url, p());
    if (b.deleteAfterDays() != null) {
      String lifecycle = lifecycleFile(b);
      create.add("--lifecycle-file=" + lifecycle);
      update.add("--lifecycle-file=" + lifecycle);
    }
    if (b.retentionPeriod() != null) {
      create.add("--retention-period=" + b.retentionPeriod());
      update.add("--retention-period=" + b.retentionPeriod());
    }
    if (b.softDeleteDuration() != null) {
      create.add("--soft-delete-duration=" + b.softDeleteDuration());
      update.add("--soft-delete-duration=" + b.softDeleteDuration());
    }
    if (b.cmek()) {
      String key = "--default-encryption-key=" + config.kmsKeyName(o.project(), o.region());
      create.add(key);
      update.add(key);
    }
    if (update.size() > 5) {
      upsert(gcloud("storage", "buckets", "describe", url, p()), update, create);
    } else {
      ensure(gcloud("storage", "buckets", "describe", url, p()), create);
    }
    if (b.publicRead()) {
      run(
          gcloud(
              "storage",
              "buckets",
              "add-iam-policy-binding",
              url,
              "--member=allUsers",
              "--role=roles/storage.objectViewer",
              p()));
    }
  }

  private String lifecycleFile(DeployConfig.Bucket b) {
    Path file = o.root().resolve("target/deploy/lifecycle-" + b.key() + ".json");
    String json =
        "{\"rule\":[{\"action\":{\"type\":\"Delete\"},\"condition\":{\"age\":"
            + b.deleteAfterDays()
            + (b.deletePrefix() == null ? "" : ",\"matchesPrefix\":[\"" + b.deletePrefix() + "\"]")
            + "}}]}\n";
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toString();
  }

  // ---------------------------------------------------------------- deploy

  /**
   * The runtime environment every function gets: the project, the bucket names, the operator's env
   * file.
   */
  Map<String, String> plannedEnv() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GOOGLE_CLOUD_PROJECT", o.project());
    env.put("FUNCTION_REGION", o.region());
    config.buckets().values().forEach(b -> env.put(b.env(), b.name()));
    env.putAll(
        TaskQueues.load(o.root().resolve("deploy/deploy.json"), o.project(), o.region()).env());
    if (o.envFile() != null) {
      Object loaded =
          new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(o.envFile()));
      if (loaded instanceof Map<?, ?> map) {
        map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
      } else if (loaded != null) {
        throw new IllegalArgumentException(
            "--env-file " + o.envFile() + " must be a YAML map of NAME: value");
      }
    }
    for (String secretVar : config.secrets().keySet()) {
      if (env.containsKey(secretVar)) {
        throw new IllegalArgumentException(
            secretVar
                + " must not be in --env-file: it comes from Secret Manager ("
                + config.secrets().get(secretVar).secret()
                + "); see docs/deploy.md");
      }
    }
    return env;
  }

  /** The secrets (variable → secret) wired for this environment: those whose condition holds. */
  Map<String, String> wiredSecrets(Map<String, String> env) {
    Map<String, String> wired = new LinkedHashMap<>();
    config
        .secrets()
        .forEach(
            (var, s) -> {
              if (s.whenVariable() == null
                  || s.whenValue().equalsIgnoreCase(env.getOrDefault(s.whenVariable(), ""))) {
                wired.put(var, s.secret());
              }
            });
    return wired;
  }

  /**
   * Fails with one message listing every missing or invalid runtime variable and every secret
   * without a value.
   */
  void preflight(Map<String, String> env, Map<String, String> secrets) {
    List<String> problems = new ArrayList<>(Preflight.problems(env, secrets.keySet()));
    if (!o.dryRun()) {
      // The private functions' invokers: a service account of this project must exist, or every
      // binding fails.
      String own = "@" + o.project() + ".iam.gserviceaccount.com";
      for (String member : config.privateInvokers()) {
        if (member.startsWith("serviceAccount:") && member.endsWith(own)) {
          String email = member.substring("serviceAccount:".length());
          Cli.Result d = cli.run(gcloud("iam", "service-accounts", "describe", email, p()));
          if (!d.ok()) {
            problems.add(
                "private invoker "
                    + member
                    + " does not exist: run ./deploy.sh "
                    + o.project()
                    + " --bootstrap (it creates "
                    + config.backendAccount()
                    + ") or set AVALO_PRIVATE_INVOKERS to the "
                    + "backends' identities");
          }
        }
      }
      for (Map.Entry<String, String> s : secrets.entrySet()) {
        Cli.Result v =
            cli.run(
                gcloud(
                    "secrets", "versions", "describe", "latest", "--secret=" + s.getValue(), p()));
        if (!v.ok()) {
          problems.add(
              s.getKey()
                  + " comes from Secret Manager secret "
                  + s.getValue()
                  + ", which has no version: "
                  + "printf %s \"$VALUE\" | gcloud secrets versions add "
                  + s.getValue()
                  + " --data-file=- "
                  + p());
        }
      }
    }
    if (!problems.isEmpty()) {
      String message =
          "preflight: the functions would not start; fix these ("
              + problems.size()
              + ") first:\n  - "
              + String.join("\n  - ", problems);
      if (o.dryRun()) {
        System.err.println("warning: " + message);
      } else {
        throw new IllegalStateException(message);
      }
    }
  }

  void deploy() throws IOException {
    Map<String, String> env = plannedEnv();
    Map<String, String> secrets = wiredSecrets(env);
    preflight(env, secrets);
    Path envYaml = o.root().resolve("target/deploy/env.yaml");
    Files.createDirectories(envYaml.getParent());
    StringBuilder yaml = new StringBuilder();
    env.forEach(
        (k, v) ->
            yaml.append(k)
                .append(": ")
                .append(JsonParser.parseString(new Gson().toJson(v)).toString())
                .append('\n'));
    Files.writeString(envYaml, yaml.toString());
    boolean everything = o.only().isEmpty();
    // Rules (Firestore and Storage) and indexes first: a new function's queries need their indexes.
    if (everything) {
      run(
          List.of(
              "firebase",
              "deploy",
              p(),
              "--only=firestore:rules,firestore:indexes,storage",
              "--non-interactive"));
    }
    String sourceHash = sourceHash(envYaml);
    for (Catalog.Entry e : selected()) {
      List<String> elsewhere = e.regions().stream().filter(r -> !r.equals(o.region())).toList();
      if (e.regions().size() > 1 && !elsewhere.isEmpty()) {
        // Not yet: one rollout, invoker binding and scheduler job per listed region (see
        // docs/routing.md, "Vantages and quorum"). Said loudly so no one takes the catalog's list
        // for what was deployed.
        System.err.println(
            "warning: "
                + e.name()
                + " is catalogued for "
                + e.regions()
                + "; this tool deploys it in "
                + o.region()
                + " only — deploy it in "
                + elsewhere
                + " with AVALO_REGION=<region> ./deploy.sh "
                + o.project()
                + " --only "
                + e.name());
      }
      rollout(e, envYaml, secrets, sourceHash);
    }
    for (Catalog.Entry e : selected()) {
      if (e.isJob()) {
        schedule(e, e.scheduler());
      } else if (e.access() == Access.PRIVATE) {
        for (String member : config.privateInvokers()) {
          run(
              gcloud(
                  "functions",
                  "add-invoker-policy-binding",
                  e.name(),
                  p(),
                  r(),
                  "--member=" + member));
        }
      }
    }
    if (everything) {
      run(List.of("firebase", "deploy", p(), "--only=hosting", "--non-interactive"));
      orphans();
    }
  }

  private List<Catalog.Entry> selected() {
    return catalog.entries().stream()
        .filter(e -> o.only().isEmpty() || o.only().contains(e.name()))
        .toList();
  }

  /**
   * The underlying Cloud Run service of a gen2 function: its name lower-cased (underscores become
   * hyphens).
   */
  static String serviceName(String function) {
    return function.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  List<String> deployCommand(Catalog.Entry e, Path envYaml, Map<String, String> secrets) {
    DeployConfig.RuntimeAccount rt = config.runtimeFor(e.entryPoint());
    List<String> c =
        gcloud(
            "functions",
            "deploy",
            e.name(),
            "--gen2",
            p(),
            r(),
            "--runtime=java21",
            "--entry-point=" + e.entryPoint(),
            "--trigger-http",
            "--source=" + o.sourceDir(),
            "--memory=" + e.memory(),
            "--timeout=" + e.timeoutSeconds() + "s",
            "--cpu=" + e.sizing().cpu(),
            "--concurrency=" + e.sizing().concurrency(),
            "--min-instances=" + e.sizing().minInstances(),
            "--max-instances=" + e.sizing().maxInstances(),
            "--env-vars-file=" + functionEnv(e, envYaml),
            "--service-account=" + rt.email(),
            "--build-service-account=projects/"
                + o.project()
                + "/serviceAccounts/"
                + config.buildAccount());
    List<String> refs = new ArrayList<>();
    secrets.forEach(
        (var, secret) -> {
          if (rt.secrets().contains(secret)) {
            refs.add(var + "=" + secret + ":latest");
          }
        });
    if (!refs.isEmpty()) {
      c.add("--set-secrets=" + String.join(",", refs));
    }
    // Apps call user/admin/public functions directly; the function checks the Firebase ID token.
    c.add(e.access() == Access.PRIVATE ? "--no-allow-unauthenticated" : "--allow-unauthenticated");
    c.add("--quiet");
    return c;
  }

  /**
   * The shared runtime environment plus this function's JVM flags ({@code JAVA_TOOL_OPTIONS} from
   * its catalog sizing): {@code --env-vars-file} cannot be combined with {@code --update-env-vars}.
   */
  private static Path functionEnv(Catalog.Entry e, Path envYaml) {
    Path file = envYaml.resolveSibling("env-" + e.name() + ".yaml");
    try {
      String shared = Files.exists(envYaml) ? Files.readString(envYaml) : "";
      String flags = e.sizing().javaToolOptions();
      Files.writeString(
          file,
          shared
              + (flags == null || flags.isBlank()
                  ? ""
                  : "JAVA_TOOL_OPTIONS: " + new Gson().toJson(flags) + "\n"));
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + file, ex);
    }
    return file;
  }

  private String sourceHash(Path envYaml) throws IOException {
    MessageDigest md = Sha256.digest();
    if (Files.isDirectory(o.sourceDir())) {
      try (Stream<Path> files = Files.walk(o.sourceDir())) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          md.update(o.sourceDir().relativize(f).toString().getBytes(StandardCharsets.UTF_8));
          md.update(Files.readAllBytes(f));
        }
      }
    }
    md.update(Files.readAllBytes(envYaml));
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Jar + environment + this function's catalog entry and deploy flags: what a label compares to
   * skip a redeploy.
   */
  String functionHash(Catalog.Entry e, List<String> deployCommand, String sourceHash) {
    MessageDigest md = Sha256.digest();
    md.update(sourceHash.getBytes(StandardCharsets.UTF_8));
    md.update(rawEntries.get(e.name()).toString().getBytes(StandardCharsets.UTF_8));
    md.update(Shell.join(deployCommand).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of()
        .formatHex(md.digest())
        .substring(0, 32); // label values hold at most 63 characters
  }

  Probe probeFor(Catalog.Entry e) {
    JsonObject raw = rawEntries.get(e.name());
    String method = null;
    Integer expect = null;
    if (raw.has("probe")) {
      JsonObject pr = raw.getAsJsonObject("probe");
      method = pr.has("method") ? pr.get("method").getAsString() : null;
      expect = pr.has("expect") ? pr.get("expect").getAsInt() : null;
    }
    return Probe.forFunction(e.usesCallableProtocol(), o.project(), method, expect);
  }

  /** Cloud Run's revision annotation for startup CPU boost (what {@code --[no-]cpu-boost} sets). */
  static final String CPU_BOOST_ANNOTATION = "run.googleapis.com/startup-cpu-boost";

  /**
   * Bash: the revision serving 100% of SVC's traffic, printed by the dry run ({@code cur=$(…)}).
   */
  private String servingRevisionShell(String svc) {
    return Shell.join(
            gcloud(
                "run",
                "services",
                "describe",
                svc,
                r(),
                p(),
                "--flatten=status.traffic",
                "--format=value(status.traffic.percent,status.traffic.revisionName)"))
        + " | awk '$1==100{print $2}'";
  }

  /** Bash: "true" when the revision in {@code $var} has startup CPU boost on. */
  private String boostShell(String var) {
    return "\"$("
        + Shell.join(
                gcloud(
                    "run",
                    "revisions",
                    "describe",
                    "REV",
                    r(),
                    p(),
                    "--format=value(metadata.annotations.'" + CPU_BOOST_ANNOTATION + "')"))
            .replace(" REV ", " \"$" + var + "\" ")
        + ")\"";
  }

  private void rollout(
      Catalog.Entry e, Path envYaml, Map<String, String> secrets, String sourceHash) {
    List<String> deploy = deployCommand(e, envYaml, secrets);
    String hash = functionHash(e, deploy, sourceHash);
    deploy.add(
        deploy.size() - 1, "--update-labels=" + MANAGED_LABEL + "=true," + HASH_LABEL + "=" + hash);
    String svc = serviceName(e.name());
    List<String> describeFn = gcloud("functions", "describe", e.name(), r(), p());
    List<String> describeSvc = gcloud("run", "services", "describe", svc, r(), p());
    String tag = config.tag();
    List<Integer> steps = o.canary().isEmpty() ? List.of(100) : o.canary();
    Probe probe = probeFor(e);
    boolean boost = e.sizing().cpuBoost();
    // gcloud functions deploy has no startup-CPU-boost flag and creates its revision without it; a
    // copy of
    // that revision with the catalog's setting is made through the Cloud Run Admin API
    // (--no-traffic: dark).
    List<String> boostCopy =
        gcloud(
            "run",
            "services",
            "update",
            svc,
            r(),
            p(),
            boost ? "--cpu-boost" : "--no-cpu-boost",
            "--no-traffic",
            "--tag=" + tag,
            "--quiet");
    if (o.dryRun()) {
      // Pin the serving revision (if any), deploy (the new revision gets no traffic), give it the
      // catalog's startup
      // CPU boost (a dark copy) or tag it, probe its tagged URL, move traffic.
      out.println(
          "if cur=$("
              + servingRevisionShell(svc).replace(" | awk", " 2>/dev/null | awk")
              + ") && [ -n \"$cur\" ]; then "
              + Shell.join(updateTraffic(svc))
              + " \"--to-revisions=$cur=100\"; fi");
      out.println(Shell.join(deploy));
      String latest =
          "new=$("
              + Shell.join(with(describeSvc, "--format=value(status.latestCreatedRevisionName)"))
              + ")";
      out.println(latest);
      out.println(
          "if [ "
              + boostShell("new")
              + (boost ? " != " : " = ")
              + "true ]; then "
              + Shell.join(boostCopy)
              + " && "
              + latest
              + "; else "
              + Shell.join(updateTraffic(svc))
              + " \"--update-tags="
              + tag
              + "=$new\"; fi");
      // A tag's URL is the service URL with "TAG---" in front of the host.
      String tagged =
          "\"$("
              + Shell.join(with(describeSvc, "--format=value(status.url)"))
              + " | sed 's#https://#https://"
              + tag
              + "---#')\"";
      // The printed plan stops at a failed probe: the candidate has no traffic, the serving
      // revision stays pinned.
      List<String> curl = probe.curl("URL");
      out.println(
          "[ \"$("
              + Shell.join(curl.subList(0, curl.size() - 1))
              + " "
              + tagged
              + (e.access() == Access.PRIVATE
                  ? " -H \"Authorization: Bearer $(gcloud auth print-identity-token)\""
                  : "")
              + ")\" = "
              + probe.expect()
              + " ] || { echo \""
              + e.name()
              + ": candidate $new failed its probe (expected "
              + probe.expect()
              + "); traffic stays on ${cur:-its first revision}\" >&2; exit 1; }");
      for (int i = 0; i < steps.size(); i++) {
        out.println(Shell.join(updateTraffic(svc, "--to-tags=" + tag + "=" + steps.get(i))));
        if (steps.get(i) < 100) {
          out.println("sleep " + o.canaryWaitSeconds());
          out.println(Shell.join(errorLogQuery(svc, "REVISION")).replace("REVISION", "'\"$new\"'"));
        }
      }
      out.println(
          Shell.join(updateTraffic(svc, "--remove-tags=" + tag)) + " \"--to-revisions=$new=100\"");
      return;
    }
    JsonObject fn = describeJson(describeFn);
    if (fn != null && hash.equals(label(fn, HASH_LABEL))) {
      System.err.println(
          e.name() + ": unchanged (" + HASH_LABEL + "=" + hash + "), not redeployed");
      return;
    }
    String previous = null;
    if (fn != null) {
      previous = servingRevision(describeJson(describeSvc));
      if (previous != null) {
        // Cloud Functions honours a traffic split pinned to a revision name (it moves only
        // LATEST-bound traffic).
        cli.must(updateTraffic(svc, "--to-revisions=" + previous + "=100"));
      }
    }
    cli.must(deploy);
    JsonObject service = describeJson(describeSvc);
    String built = service.getAsJsonObject("status").get("latestCreatedRevisionName").getAsString();
    String candidate = built;
    if (revisionHasBoost(svc, built) != boost) {
      cli.must(
          boostCopy); // tags the copy; LATEST-bound traffic (a first deploy's) stays on the built
      // revision
      service = describeJson(describeSvc);
      candidate = service.getAsJsonObject("status").get("latestCreatedRevisionName").getAsString();
      if (previous == null) {
        previous = built; // first deploy: the un-boosted build serves while its copy is probed
      }
    } else if (previous == null) {
      // First deploy: nothing to fall back to. Probe the live URL, then pin so the next deploy
      // starts dark.
      String failure =
          probe.check(service.getAsJsonObject("status").get("url").getAsString(), bearer(e));
      cli.must(updateTraffic(svc, "--to-revisions=" + candidate + "=100"));
      if (failure != null) {
        failures.add(
            e.name()
                + ": first revision "
                + candidate
                + " failed its probe (no previous revision to "
                + "return to): "
                + failure);
      }
      return;
    } else {
      cli.must(updateTraffic(svc, "--update-tags=" + tag + "=" + candidate));
    }
    String url = taggedUrl(describeJson(describeSvc), tag);
    String failure = url == null ? "no URL for tag " + tag : probe.check(url, bearer(e));
    for (int i = 0; failure == null && i < steps.size(); i++) {
      int percent = steps.get(i);
      cli.must(updateTraffic(svc, "--to-tags=" + tag + "=" + percent));
      if (percent < 100) {
        sleep(o.canaryWaitSeconds());
        failure = errorRate(svc, candidate);
      }
    }
    if (failure != null) {
      cli.must(updateTraffic(svc, "--to-revisions=" + previous + "=100", "--remove-tags=" + tag));
      failures.add(e.name() + ": rolled back to " + previous + " — " + candidate + " " + failure);
      return;
    }
    cli.must(updateTraffic(svc, "--to-revisions=" + candidate + "=100", "--remove-tags=" + tag));
  }

  /**
   * Whether a revision has startup CPU boost on (its {@value #CPU_BOOST_ANNOTATION} annotation).
   */
  private boolean revisionHasBoost(String svc, String revision) {
    JsonObject rev = describeJson(gcloud("run", "revisions", "describe", revision, r(), p()));
    if (rev == null) {
      throw new IllegalStateException(
          svc + ": revision " + revision + " vanished right after its deploy");
    }
    return hasBoost(rev);
  }

  private static boolean hasBoost(JsonObject revision) {
    JsonObject meta = revision.getAsJsonObject("metadata");
    JsonObject annotations = meta == null ? null : meta.getAsJsonObject("annotations");
    return annotations != null
        && annotations.has(CPU_BOOST_ANNOTATION)
        && "true".equals(annotations.get(CPU_BOOST_ANNOTATION).getAsString());
  }

  private String bearer(Catalog.Entry e) {
    if (e.access() != Access.PRIVATE) {
      return null;
    }
    return cli.must(gcloud("auth", "print-identity-token")).out().strip();
  }

  private static String label(JsonObject resource, String key) {
    JsonObject labels = resource.getAsJsonObject("labels");
    return labels != null && labels.has(key) ? labels.get(key).getAsString() : null;
  }

  /**
   * The revision carrying 100% of the traffic, or null when the traffic is split or floats to
   * latest.
   */
  static String servingRevision(JsonObject service) {
    if (service == null || !service.has("status")) {
      return null;
    }
    JsonArray traffic = service.getAsJsonObject("status").getAsJsonArray("traffic");
    if (traffic == null) {
      return null;
    }
    for (JsonElement t : traffic) {
      JsonObject target = t.getAsJsonObject();
      if (target.has("percent")
          && target.get("percent").getAsInt() == 100
          && target.has("revisionName")) {
        return target.get("revisionName").getAsString();
      }
    }
    return service.getAsJsonObject("status").has("latestReadyRevisionName")
        ? service.getAsJsonObject("status").get("latestReadyRevisionName").getAsString()
        : null;
  }

  private static String taggedUrl(JsonObject service, String tag) {
    for (JsonElement t : service.getAsJsonObject("status").getAsJsonArray("traffic")) {
      JsonObject target = t.getAsJsonObject();
      if (target.has("tag") && tag.equals(target.get("tag").getAsString()) && target.has("url")) {
        return target.get("url").getAsString();
      }
    }
    return null;
  }

  private List<String> errorLogQuery(String svc, String revision) {
    return gcloud(
        "logging",
        "read",
        "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\""
            + svc
            + "\" AND resource.labels.revision_name=\""
            + revision
            + "\" AND httpRequest.status>=100",
        p(),
        "--freshness=" + Math.max(60, o.canaryWaitSeconds()) + "s",
        "--limit=10000",
        "--format=json");
  }

  /** Null when the candidate's 5xx share of its requests since the last step is within bounds. */
  private String errorRate(String svc, String revision) {
    JsonArray entries =
        JsonParser.parseString(cli.must(errorLogQuery(svc, revision)).out()).getAsJsonArray();
    int total = 0;
    int errors = 0;
    for (JsonElement en : entries) {
      JsonObject http = en.getAsJsonObject().getAsJsonObject("httpRequest");
      if (http != null && http.has("status")) {
        total++;
        if (http.get("status").getAsInt() >= 500) {
          errors++;
        }
      }
    }
    double rate = total == 0 ? 0 : (double) errors / total;
    System.err.printf(
        "%s: %d requests, %d errors (%.2f%%; limit %.2f%%)%n",
        revision, total, errors, rate * 100, o.maxErrorRate() * 100);
    return rate > o.maxErrorRate()
        ? "error rate " + errors + "/" + total + " above " + o.maxErrorRate()
        : null;
  }

  private static void sleep(int seconds) {
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void schedule(Catalog.Entry e, Catalog.SchedulerSettings job) {
    String uri = "https://" + o.region() + "-" + o.project() + ".cloudfunctions.net/" + e.name();
    String sa = config.schedulerAccount();
    run(
        gcloud(
            "functions",
            "add-invoker-policy-binding",
            e.name(),
            p(),
            r(),
            "--member=serviceAccount:" + sa));
    String jobName = "avalo-" + e.name();
    String location = "--location=" + o.schedulerLocation();
    List<String> common =
        List.of(
            p(),
            location,
            "--schedule=" + job.schedule(),
            "--time-zone=" + job.timeZone(),
            "--uri=" + uri,
            "--http-method=POST",
            "--message-body={}",
            "--oidc-service-account-email=" + sa,
            "--oidc-token-audience=" + uri,
            "--attempt-deadline=" + job.attemptDeadline(),
            "--max-retry-attempts=" + job.retry().maxRetryAttempts(),
            "--min-backoff=" + job.retry().minBackoff(),
            "--max-backoff=" + job.retry().maxBackoff(),
            "--max-doublings=" + job.retry().maxDoublings());
    List<String> create = gcloud("scheduler", "jobs", "create", "http", jobName);
    create.addAll(common);
    create.add("--headers=Content-Type=application/json");
    List<String> update = gcloud("scheduler", "jobs", "update", "http", jobName);
    update.addAll(common);
    update.add("--update-headers=Content-Type=application/json"); // update has no --headers
    upsert(gcloud("scheduler", "jobs", "describe", jobName, p(), location), update, create);
  }

  /**
   * Functions and jobs this tool deployed that are no longer in the catalog: listed; deleted with
   * --prune.
   */
  private void orphans() {
    Set<String> names = new LinkedHashSet<>();
    catalog.entries().forEach(e -> names.add(e.name()));
    List<String> listFns =
        gcloud(
            "functions",
            "list",
            "--regions=" + o.region(),
            p(),
            "--filter=labels." + MANAGED_LABEL + "=true",
            "--format=json");
    List<String> listJobs =
        gcloud(
            "scheduler",
            "jobs",
            "list",
            "--location=" + o.schedulerLocation(),
            p(),
            "--format=json");
    if (o.dryRun()) {
      out.println(Shell.join(listFns));
      out.println(Shell.join(listJobs));
      return;
    }
    List<String> staleFns = new ArrayList<>();
    for (JsonElement f : JsonParser.parseString(cli.must(listFns).out()).getAsJsonArray()) {
      String full = f.getAsJsonObject().get("name").getAsString();
      String name = full.substring(full.lastIndexOf('/') + 1);
      if (!names.contains(name)) {
        staleFns.add(name);
      }
    }
    Set<String> jobNames = new LinkedHashSet<>();
    catalog.entries().stream()
        .filter(Catalog.Entry::isJob)
        .forEach(e -> jobNames.add("avalo-" + e.name()));
    List<String> staleJobs = new ArrayList<>();
    for (JsonElement j : JsonParser.parseString(cli.must(listJobs).out()).getAsJsonArray()) {
      String full = j.getAsJsonObject().get("name").getAsString();
      String name = full.substring(full.lastIndexOf('/') + 1);
      if (name.startsWith("avalo-") && !jobNames.contains(name)) {
        staleJobs.add(name);
      }
    }
    if (staleFns.isEmpty() && staleJobs.isEmpty()) {
      return;
    }
    System.err.println(
        "not in catalog.json: functions "
            + staleFns
            + ", scheduler jobs "
            + staleJobs
            + (o.prune() ? " — deleting (--prune)" : " — kept; run with --prune to delete them"));
    if (o.prune()) {
      staleJobs.forEach(
          j ->
              cli.must(
                  gcloud(
                      "scheduler",
                      "jobs",
                      "delete",
                      j,
                      "--location=" + o.schedulerLocation(),
                      p(),
                      "--quiet")));
      staleFns.forEach(f -> cli.must(gcloud("functions", "delete", f, r(), p(), "--quiet")));
    }
  }

  // ---------------------------------------------------------------- rollback

  /**
   * Returns each named function (all when none are named) to the revision rolled out before the one
   * serving now: the newest older revision whose startup CPU boost is the catalog's (a boosted
   * function's rollout leaves the un-boosted revision {@code gcloud functions deploy} built behind
   * it, which never served).
   */
  void rollback(List<String> names) {
    List<String> targets =
        names.isEmpty() ? catalog.entries().stream().map(Catalog.Entry::name).toList() : names;
    for (String name : targets) {
      if (catalog.byName(name).isEmpty()) {
        throw new IllegalArgumentException(
            "--rollback names a function that is not in catalog.json: " + name);
      }
    }
    for (String name : targets) {
      String svc = serviceName(name);
      boolean boost = catalog.byName(name).orElseThrow().sizing().cpuBoost();
      if (o.dryRun()) {
        // Runnable as printed: the serving revision, then the newest older one with the catalog's
        // boost setting.
        List<String> list =
            gcloud(
                "run",
                "revisions",
                "list",
                "--service=" + svc,
                r(),
                p(),
                "--sort-by=~metadata.creationTimestamp",
                "--format=value(metadata.name,metadata.annotations.'"
                    + CPU_BOOST_ANNOTATION
                    + "')");
        out.println("cur=$(" + servingRevisionShell(svc) + ")");
        out.println(
            "prev=$("
                + Shell.join(list)
                + " | awk -v cur=\"$cur\" 'seen && ($2 == \"true\") == "
                + (boost ? 1 : 0)
                + " {print $1; exit} $1 == cur {seen = 1}')");
        out.println(
            "[ -n \"$cur\" ] && [ -n \"$prev\" ] || { echo \""
                + name
                + ": no revision before ${cur:-(none serving all traffic)} to roll back to\" >&2;"
                + " exit 1; }");
        out.println(Shell.join(updateTraffic(svc)) + " \"--to-revisions=$prev=100\"");
        continue;
      }
      List<String> list =
          gcloud("run", "revisions", "list", "--service=" + svc, r(), p(), "--format=json");
      String current =
          servingRevision(describeJson(gcloud("run", "services", "describe", svc, r(), p())));
      if (current == null) {
        failures.add(
            name + ": not deployed (or no revision serves all traffic); nothing to roll back");
        continue;
      }
      List<JsonObject> revisions = new ArrayList<>();
      JsonParser.parseString(cli.must(list).out())
          .getAsJsonArray()
          .forEach(x -> revisions.add(x.getAsJsonObject()));
      revisions.sort((a, b) -> created(b).compareTo(created(a))); // newest first
      String currentCreated = null;
      for (JsonObject rev : revisions) {
        if (revName(rev).equals(current)) {
          currentCreated = created(rev);
        }
      }
      String previous = null;
      for (JsonObject rev : revisions) {
        if (currentCreated != null
            && created(rev).compareTo(currentCreated) < 0
            && hasBoost(rev) == boost) {
          previous = revName(rev);
          break;
        }
      }
      if (previous == null) {
        failures.add(name + ": " + current + " is its first revision; nothing to roll back to");
        continue;
      }
      cli.must(updateTraffic(svc, "--to-revisions=" + previous + "=100"));
      System.err.println(name + ": " + current + " → " + previous);
    }
  }

  private static String revName(JsonObject rev) {
    return rev.getAsJsonObject("metadata").get("name").getAsString();
  }

  private static String created(JsonObject rev) {
    return rev.getAsJsonObject("metadata").get("creationTimestamp").getAsString();
  }
}

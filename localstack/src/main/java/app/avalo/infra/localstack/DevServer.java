package app.avalo.infra.localstack;

import app.avalo.infra.Root;
import app.avalo.infra.localstack.seed.DemoSeed;
import app.avalo.infra.localstack.seed.DemoSeeds;
import app.avalo.infra.localstack.seed.SeedContext;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Platform;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.invoker.runner.Invoker;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.gson.JsonElement;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The local stack's server: every catalogued function in one JVM on one port, through the real
 * Functions Framework invoker, plus the admin dashboard, a local Cloud Scheduler and demo data.
 * Firestore and Auth are the emulators {@code bin/dev} starts; Cloud Storage is the in-memory
 * {@link LocalStorageHelper} (ephemeral, like the emulators).
 *
 * <p>Run through {@code bin/dev}; tests start it in-process with {@link #start(Options)}.
 */
public final class DevServer implements AutoCloseable {
  public static final String DEMO_ADMIN_EMAIL = "admin@avalo.local";
  public static final String DEMO_ADMIN_PASSWORD = "avalo-admin";
  public static final String DEMO_USER_EMAIL = "user@avalo.local";
  public static final String DEMO_USER_PASSWORD = "avalo-user";

  /** {@code on}: the demo's alert receivers ({@link LocalReceivers#demoEnv}); bin/dev sets it. */
  public static final String LOCAL_ALERTING = "AVALO_LOCAL_ALERTING";

  /** MailDev's SMTP {@code host:port} and web UI URL, as bin/dev started it. */
  public static final String MAILDEV_SMTP = "AVALO_MAILDEV_SMTP";

  public static final String MAILDEV_WEB = "AVALO_MAILDEV_WEB";

  private final Invoker invoker;
  private final LocalScheduler scheduler;
  private final String baseUrl;
  private final Root root;
  private final Platform app;
  private final LocalHealth health;
  private final AuthEmulatorClient.Account admin;
  private final LocalCloudTasks cloudTasks;
  private final LocalReceivers receivers;

  /** How to start: port 0 picks a free one; a null catalog means the bundled one. */
  public record Options(
      int port,
      Path repoRoot,
      boolean seed,
      boolean scheduler,
      Map<String, String> env,
      Catalog catalog) {
    public static Options forTests(Path repoRoot) {
      return new Options(0, repoRoot, false, false, System.getenv(), null);
    }

    /** The same options serving {@code catalog} (e.g. with extra benchmark-only functions). */
    public Options withCatalog(Catalog catalog) {
      return new Options(port, repoRoot, seed, scheduler, env, catalog);
    }
  }

  private DevServer(
      Invoker invoker,
      LocalScheduler scheduler,
      String baseUrl,
      Root root,
      LocalHealth health,
      AuthEmulatorClient.Account admin,
      LocalCloudTasks cloudTasks,
      LocalReceivers receivers) {
    this.cloudTasks = cloudTasks;
    this.receivers = receivers;
    this.invoker = invoker;
    this.scheduler = scheduler;
    this.baseUrl = baseUrl;
    this.root = root;
    this.app = root.platform();
    this.health = health;
    this.admin = admin;
  }

  public static DevServer start(Options options) throws Exception {
    Map<String, String> env = new HashMap<>(options.env());
    env.putIfAbsent("GOOGLE_CLOUD_PROJECT", "demo-avalo");
    int port = options.port() == 0 ? EmulatorPorts.anyFree() : options.port();
    String baseUrl = "http://127.0.0.1:" + port;
    // Media URLs point at the dev server, which serves the in-memory Storage objects.
    env.putIfAbsent("MEDIA_BUCKET", env.get("GOOGLE_CLOUD_PROJECT") + "-media");
    env.putIfAbsent("CDN_BASE_URL", baseUrl + "/_local/storage/" + env.get("MEDIA_BUCKET"));
    // Private media is read through V4 signed URLs the dev server checks (LocalStorageHost).
    env.putIfAbsent("SIGNED_URL_HOST", baseUrl + LocalStorageHost.ROOT);
    // Regions are probed at the dev server's switchable health endpoints: the local stack never
    // sends health probes anywhere but loopback.
    // One local runHealthChecks run checks from all three vantages side by side, so the quorum is
    // the production one; ROUTING_SIMULATED_VANTAGES=EU runs a single checker.
    env.putIfAbsent("ROUTING_SIMULATED_VANTAGES", "EU,US,ASIA");
    for (String region : List.of("EU", "US", "ASIA")) {
      env.putIfAbsent(
          "ROUTING_REGION_" + region + "_HEALTH_URL", baseUrl + "/_local/health/" + region);
      env.putIfAbsent("ROUTING_REGION_" + region + "_ENDPOINT", baseUrl);
    }
    // Video transcodes go through the production Cloud Tasks adapter to a loopback fake of the
    // API, which delivers them to this server's own transcodeVideo.
    LocalCloudTasks cloudTasks = LocalCloudTasks.start();
    env.putIfAbsent("CLOUD_TASKS_ENDPOINT", cloudTasks.endpoint());
    env.putIfAbsent("TASKS_TARGET_BASE_URL", baseUrl);
    cloudTasks.queue(
        env.getOrDefault("VIDEO_TRANSCODE_QUEUE", "video-transcode"),
        new LocalCloudTasks.RetryConfig(
            Integer.parseInt(env.getOrDefault("VIDEO_TRANSCODE_MAX_ATTEMPTS", "5")),
            Duration.ofMillis(
                Long.parseLong(env.getOrDefault("LOCAL_TASKS_MIN_BACKOFF_MS", "1000"))),
            Duration.ofMillis(
                Long.parseLong(env.getOrDefault("LOCAL_TASKS_MAX_BACKOFF_MS", "30000"))),
            4));
    // The demo's alert receivers: every ALERT_* receiver pointed at this server's local ones
    // (LocalReceivers) and email at MailDev, which bin/dev starts. Opt-in (bin/dev turns it on), so
    // tests sharing a dev server deliver alerts nowhere unless they say so.
    if ("on".equals(env.get(LOCAL_ALERTING))) {
      String smtp = env.get(MAILDEV_SMTP);
      String smtpHost = null;
      Integer smtpPort = null;
      if (smtp != null && smtp.lastIndexOf(':') > 0) {
        smtpHost = smtp.substring(0, smtp.lastIndexOf(':'));
        smtpPort = Integer.valueOf(smtp.substring(smtp.lastIndexOf(':') + 1));
      }
      LocalReceivers.demoEnv(baseUrl, baseUrl + "/admin/#/alerting", smtpHost, smtpPort)
          .forEach(env::putIfAbsent);
    }
    LocalReceivers receivers = new LocalReceivers(Clock.systemUTC());
    Storage storage = LocalStorageHelper.getOptions().getService();
    Platform.Builder builder = Platform.builder(env).storage(storage);
    if (options.catalog() != null) {
      builder.catalog(options.catalog());
    }
    Platform app = builder.build();
    Root root = Root.builder(app).build();
    Root.install(root);
    Catalog catalog = app.catalog();

    Map<String, HttpFunction> functions = new LinkedHashMap<>();
    for (Catalog.Entry entry : catalog.entries()) {
      // Exactly what Cloud Functions does: the public no-arg constructor, by reflection.
      Class<?> type = Class.forName(entry.entryPoint());
      functions.put(entry.name(), (HttpFunction) type.getDeclaredConstructor().newInstance());
    }
    String authHost = app.config().authEmulatorHost();
    Map<String, Object> firebaseInit = new LinkedHashMap<>();
    firebaseInit.put("projectId", app.config().projectId());
    firebaseInit.put("apiKey", "local-demo-api-key");
    firebaseInit.put("authDomain", app.config().projectId() + ".firebaseapp.com");
    firebaseInit.put("appId", "local-demo-app");
    firebaseInit.put("functionsRegion", catalog.defaultRegion());
    firebaseInit.put(
        "emulators",
        Map.of(
            "auth",
            authHost == null ? "" : "http://" + authHost,
            "functionsHost",
            "127.0.0.1",
            "functionsPort",
            port));
    LocalStorageHost storageHost = LocalStorageHost.of(root, storage);
    firebaseInit.put("storageBucket", storageHost.uploadBucket());
    LocalHealth health = new LocalHealth();
    DevRouter.install(
        new DevRouter.Routes(
            catalog,
            functions,
            app.config().projectId(),
            options.repoRoot().resolve("admin-web/dist").toAbsolutePath().normalize(),
            firebaseInit,
            health,
            storageHost,
            HostingHeaders.forEveryPage(options.repoRoot().resolve("firebase.json")),
            receivers));

    Invoker invoker =
        new Invoker(port, DevRouter.class.getName(), "http", DevServer.class.getClassLoader());
    invoker.startTestServer();
    bindToLoopback(invoker, port);

    AuthEmulatorClient.Account admin = null;
    if (authHost != null) {
      AuthEmulatorClient auth = new AuthEmulatorClient(authHost, app.config().projectId());
      admin = auth.ensureAccount(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, true);
      auth.ensureAccount(DEMO_USER_EMAIL, DEMO_USER_PASSWORD, false);
    }
    LocalScheduler scheduler = options.scheduler() ? new LocalScheduler(catalog, baseUrl) : null;
    DevServer server =
        new DevServer(invoker, scheduler, baseUrl, root, health, admin, cloudTasks, receivers);
    if (options.seed()) {
      server.seedDemoData();
    }
    if (scheduler != null) {
      scheduler.start();
    }
    return server;
  }

  /**
   * The invoker's Jetty connector listens on every interface and has no host option; the dev server
   * hosts private functions without IAM in front, so it must only be reachable locally.
   */
  private static void bindToLoopback(Invoker invoker, int port) throws Exception {
    Server jetty = jetty(invoker);
    for (var connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector c) {
        c.stop();
        c.setHost("127.0.0.1");
        c.setPort(port);
        c.start();
      }
    }
  }

  /**
   * Serves the same routes on a second loopback port too: the Local Emulator Suite's Hosting port,
   * where the dashboard lives at {@code /} as it does on Firebase Hosting.
   */
  public void alsoListenOn(int port) throws Exception {
    Server jetty = jetty(invoker);
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    jetty.addConnector(connector);
    connector.start();
  }

  private static Server jetty(Invoker invoker) throws ReflectiveOperationException {
    Field serverField = Invoker.class.getDeclaredField("server");
    serverField.setAccessible(true);
    return (Server) serverField.get(invoker);
  }

  /** Seeds every domain's demo data ({@link DemoSeeds}); idempotent. */
  public void seedDemoData() {
    seed(DemoSeeds.all());
  }

  private void seed(List<DemoSeed> seeds) {
    DevClient client = new DevClient(baseUrl);
    String token = admin == null ? null : admin.idToken();
    SeedContext context =
        new SeedContext() {
          @Override
          public Root root() {
            return root;
          }

          @Override
          public String baseUrl() {
            return baseUrl;
          }

          @Override
          public JsonElement callAsAdmin(String function, String dataJson) {
            return client.call(function, dataJson, token);
          }

          @Override
          public JsonElement callPrivate(String function, String bodyJson) {
            return client.callPrivate(function, bodyJson);
          }
        };
    for (DemoSeed seed : seeds) {
      try {
        seed.seed(context);
        Log.info("demo data seeded", Map.of("seed", seed.name()));
      } catch (Exception e) {
        throw new IllegalStateException(
            "demo seed '" + seed.name() + "' failed: " + e.getMessage(), e);
      }
    }
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** The running stack's platform (Firestore on the emulator, local storage, the wall clock). */
  public Platform platform() {
    return app;
  }

  /** The running stack's composition root (the one its functions use). */
  public Root root() {
    return root;
  }

  public LocalHealth health() {
    return health;
  }

  /** The local alert receivers ({@code /_local/notifications}, {@code /_local/watchdog}). */
  public LocalReceivers receivers() {
    return receivers;
  }

  /** The fake Cloud Tasks API the video transcodes go through. */
  public LocalCloudTasks cloudTasks() {
    return cloudTasks;
  }

  /** The demo admin's ID token (null without the Auth emulator). */
  public String adminToken() {
    return admin == null ? null : admin.idToken();
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.close();
    }
    try {
      invoker.stopServer();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the dev server", e);
    } catch (Exception e) {
      throw new IllegalStateException("the dev server did not stop cleanly", e);
    } finally {
      cloudTasks.close();
    }
  }

  public static void main(String[] args) throws Exception {
    // Expire idle pooled HTTP connections before Jetty's 30 s idle timeout closes them.
    System.setProperty("jdk.httpclient.keepalive.timeout", "15");
    Integer port = null;
    boolean seed = true;
    boolean scheduler = true;
    Path root = Path.of(".").toAbsolutePath().normalize();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--repo-root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--no-seed" -> seed = false;
        case "--no-scheduler" -> scheduler = false;
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + " (options: --port N, --repo-root DIR, --no-seed, --no-scheduler)");
      }
    }
    if (!Files.isRegularFile(root.resolve("catalog.json"))) {
      throw new IllegalArgumentException(
          root + " is not the repo root (no catalog.json); pass --repo-root");
    }
    // The Local Emulator Suite's ports (firebase.json "emulators") where free: functions, and the
    // dashboard on the Hosting port. An explicit --port must be free.
    Map<String, Integer> suite = EmulatorPorts.read(root.resolve("firebase.json"));
    int functionsPort =
        port != null
            ? port
            : EmulatorPorts.freeOrAny(suite.getOrDefault("functions", 5001), "functions");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent(LOCAL_ALERTING, "on");
    DevServer server = start(new Options(functionsPort, root, seed, scheduler, env, null));
    String hosting = null;
    Integer hostingPort = suite.get("hosting");
    if (port == null && hostingPort != null) {
      if (EmulatorPorts.isFree(hostingPort)) {
        server.alsoListenOn(hostingPort);
        hosting = "http://127.0.0.1:" + hostingPort + "/";
      } else {
        System.err.println(
            "note: port "
                + hostingPort
                + " (firebase.json emulators.hosting) is taken; the dashboard is at "
                + server.baseUrl()
                + "/admin/ only");
      }
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    System.err.println("dev server stop failed: " + e);
                  }
                }));
    String project = server.platform().config().projectId();
    String region = server.platform().catalog().defaultRegion();
    System.out.println();
    System.out.println("Avalo Infra local stack is up (Ctrl-C stops everything):");
    System.out.println(
        "  functions       "
            + server.baseUrl()
            + "/{name}   and   "
            + server.baseUrl()
            + "/"
            + project
            + "/"
            + region
            + "/{name}");
    System.out.println(
        "  dashboard       "
            + (hosting != null ? hosting + "   and   " : "")
            + server.baseUrl()
            + "/admin/   (sign in: "
            + DEMO_ADMIN_EMAIL
            + " / "
            + DEMO_ADMIN_PASSWORD
            + ")");
    System.out.println("  demo user       " + DEMO_USER_EMAIL + " / " + DEMO_USER_PASSWORD);
    System.out.println("  function list   " + server.baseUrl() + "/_local/functions");
    System.out.println(
        "  region health   curl -X POST '"
            + server.baseUrl()
            + "/_local/health/EU?mode=fail'   (ok|fail|slow|hang)");
    System.out.println(
        "  Firestore       " + server.platform().config().firestoreEmulatorHost() + " (emulator)");
    System.out.println(
        "  Auth            " + server.platform().config().authEmulatorHost() + " (emulator)");
    System.out.println(
        "  Cloud Storage   in-memory (LocalStorageHelper): gone when the server stops");
    System.out.println("  scheduler       " + (scheduler ? "firing the catalog's jobs" : "off"));
    String mailUi = env.get(MAILDEV_WEB);
    System.out.println(
        "  alerts          "
            + server.baseUrl()
            + LocalReceivers.ROOT
            + "   (what PagerDuty, Slack, SMS and the webhook got; watchdog "
            + server.baseUrl()
            + LocalReceivers.WATCHDOG
            + ")");
    System.out.println(
        "  MailDev         "
            + (mailUi != null
                ? mailUi + "   (alert emails; SMTP " + env.get(MAILDEV_SMTP) + ")"
                : "not running: alert email is off"));
    System.out.println(
        "  Cloud Tasks     "
            + server.cloudTasks().endpoint()
            + " (loopback fake; delivers to /transcodeVideo)");
    Thread.currentThread().join();
  }
}

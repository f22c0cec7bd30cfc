package app.avalo.infra.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.Root;
import app.avalo.infra.alerting.AlertingModule;
import app.avalo.infra.cdn.CdnModule;
import app.avalo.infra.cost.CostModule;
import app.avalo.infra.monitoring.MonitoringModule;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import app.avalo.infra.recovery.RecoveryModule;
import app.avalo.infra.routing.RoutingModule;
import app.avalo.infra.scaling.ScalingModule;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.lang.reflect.Constructor;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one test bed every domain's tests build on: its own Firestore project on the emulator, a
 * {@link MutableClock}, in-memory Cloud Storage, the {@link Platform} over them and the composition
 * {@link Root} with the test's {@code Adapters}; admin and user tokens from the Auth emulator; and
 * the three ways a function is called ({@link #callAsAdmin}, {@link #callAsUser}, {@link
 * #callPrivate}, plus {@link #runJob} as Cloud Scheduler does).
 *
 * <p>Use it as a JUnit 5 extension ({@code @RegisterExtension final TestBed bed =
 * TestBed.builder()...build();}) to have it closed after each test, or close it yourself. Function
 * classes are built with the module they use: {@code new PurgeCache(bed.platform, bed.root.cdn())}.
 */
public final class TestBed implements AutoCloseable, AfterEachCallback {
  private static AuthEmulator.User admin;

  public final Firestore db;
  public final MutableClock clock;

  /** The in-memory bucket store as written (the platform may see it through a view). */
  public final Storage storage;

  public final Platform platform;
  public final Root root;
  private final Builder spec;

  private TestBed(Builder b) {
    this.spec = b;
    this.db = b.db != null ? b.db : Emulators.isolatedFirestore();
    this.clock = b.clock != null ? b.clock : MutableClock.at(b.start);
    this.storage = b.storage != null ? b.storage : LocalStorageHelper.getOptions().getService();
    Map<String, String> env = new HashMap<>(Emulators.env());
    env.putAll(b.env);
    this.platform =
        Platform.builder(env)
            .firestore(db)
            .clock(clock)
            .storage(b.storageView.apply(storage))
            .build();
    Root.Builder root = Root.builder(platform).cdn(b.cdn).alerting(b.alerting);
    if (b.routing != null) {
      root.routing(b.routing);
    }
    if (b.scaling != null) {
      root.scaling(b.scaling);
    }
    if (b.recovery != null) {
      root.recovery(b.recovery);
    }
    this.root = root.build();
  }

  /** A bed at 2026-11-27T10:00:00Z with no extra environment and production adapters. */
  public static TestBed create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Another instance of the same deployment: the same Firestore project, clock and bucket store,
   * its own platform, root and in-process caches; {@code change} edits the copied specification
   * (e.g. other adapters, a Firestore reached through a proxy).
   */
  public TestBed sibling(UnaryOperator<Builder> change) {
    Builder copy = spec.copy();
    copy.db = db;
    copy.clock = clock;
    copy.storage = storage;
    return change.apply(copy).build();
  }

  /** The shared admin of the Auth emulator (custom claim {@code admin: true}). */
  public static synchronized AuthEmulator.User admin() {
    if (admin == null) {
      admin = AuthEmulator.newAdmin();
    }
    return admin;
  }

  /** A new signed-in user without admin rights. */
  public static AuthEmulator.User newUser() {
    return AuthEmulator.newUser();
  }

  /**
   * The catalogued function {@code name} on this bed: its package-private constructor given this
   * bed's platform and the module (or, for the dashboard, the section list) it takes, as the
   * framework's no-arg constructor would resolve them from the production root.
   */
  public ApiFunction function(String name) {
    Catalog.Entry entry =
        platform
            .catalog()
            .byName(name)
            .orElseThrow(() -> new AssertionError(name + " is not in catalog.json"));
    try {
      for (Constructor<?> c : Class.forName(entry.entryPoint()).getDeclaredConstructors()) {
        Class<?>[] types = c.getParameterTypes();
        if (types.length == 0 || types[0] != Platform.class || types.length > 2) {
          continue;
        }
        Object[] args =
            types.length == 1
                ? new Object[] {platform}
                : new Object[] {platform, dependency(types[1])};
        c.setAccessible(true);
        return (ApiFunction) c.newInstance(args);
      }
    } catch (ReflectiveOperationException e) {
      throw new LinkageError("cannot build " + name, e);
    }
    throw new AssertionError(entry.entryPoint() + " has no (Platform[, module]) constructor");
  }

  private Object dependency(Class<?> type) {
    if (type == List.class) {
      return root.dashboardSections();
    }
    // Built only when asked for: a module reads its configuration on first use.
    Map<Class<?>, Supplier<?>> modules =
        Map.of(
            RoutingModule.class, root::routing,
            ScalingModule.class, root::scaling,
            CostModule.class, root::cost,
            CdnModule.class, root::cdn,
            MonitoringModule.class, root::monitoring,
            RecoveryModule.class, root::recovery,
            AlertingModule.class, root::alerting);
    Supplier<?> module = modules.get(type);
    if (module == null) {
      throw new AssertionError("no module of type " + type.getName());
    }
    return module.get();
  }

  /** Calls a callable function as the admin; returns the raw response. */
  public FakeExchange.Response callAsAdmin(HttpFunction function, String data) throws Exception {
    return FakeExchange.post().bearer(admin().idToken()).data(data).send(function);
  }

  /** Calls a callable function as the admin and insists on 200; returns {@code result}. */
  public JsonElement callAsAdminOk(HttpFunction function, String data) throws Exception {
    return ok(callAsAdmin(function, data)).result();
  }

  /** Calls a callable function as {@code user}; returns the raw response. */
  public FakeExchange.Response callAsUser(
      AuthEmulator.User user, HttpFunction function, String data) throws Exception {
    return FakeExchange.post().bearer(user.idToken()).data(data).send(function);
  }

  /** Calls a private function with a plain JSON body; returns the raw response. */
  public FakeExchange.Response callPrivate(HttpFunction function, String body) throws Exception {
    return FakeExchange.post().body(body).send(function);
  }

  /** Calls a private function and insists on 200; returns the JSON body. */
  public JsonObject callPrivateOk(HttpFunction function, String body) throws Exception {
    return ok(callPrivate(function, body)).json();
  }

  /** Runs a job as Cloud Scheduler does, for {@code scheduledFor}; returns the raw response. */
  public FakeExchange.Response runJob(ScheduledJob job, Instant scheduledFor) throws Exception {
    return FakeExchange.post()
        .header(ScheduledJob.SCHEDULE_TIME_HEADER, scheduledFor.toString())
        .body("{}")
        .send(job);
  }

  /** Runs a job for the clock's current time and insists on 200; returns the JSON body. */
  public JsonObject runJobOk(ScheduledJob job) throws Exception {
    return ok(runJob(job, clock.instant())).json();
  }

  private static FakeExchange.Response ok(FakeExchange.Response response) {
    assertEquals(200, response.status(), response.body());
    return response;
  }

  /** Stops what the root started (the routing view's refresh thread, if it ran). */
  @Override
  public void close() {
    root.close();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** What a bed is made of; anything not given is fresh (Firestore project, clock, bucket). */
  public static final class Builder {
    private String start = "2026-11-27T10:00:00Z";
    private final Map<String, String> env = new HashMap<>();
    private Firestore db;
    private MutableClock clock;
    private Storage storage;
    private UnaryOperator<Storage> storageView = UnaryOperator.identity();
    private RoutingModule.Adapters routing;
    private ScalingModule.Adapters scaling;
    private RecoveryModule.Adapters recovery;
    private UnaryOperator<CdnModule.Adapters> cdn = UnaryOperator.identity();
    // Tests deliver alerts by running the notifier themselves: no kick after a raise.
    private AlertingModule.Adapters alerting =
        AlertingModule.Adapters.scheduledOnly(HttpClient.newHttpClient());

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.start = start;
      c.env.putAll(env);
      c.storageView = storageView;
      c.routing = routing;
      c.scaling = scaling;
      c.recovery = recovery;
      c.cdn = cdn;
      c.alerting = alerting;
      return c;
    }

    /** The clock's start, an RFC 3339 instant. */
    public Builder at(String startIso) {
      this.start = Objects.requireNonNull(startIso);
      return this;
    }

    public Builder clock(MutableClock clock) {
      this.clock = clock;
      return this;
    }

    /** Environment variables on top of the emulators' ({@link Emulators#env()}). */
    public Builder env(Map<String, String> vars) {
      env.putAll(vars);
      return this;
    }

    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** A given Firestore (e.g. the same project reached through a proxy). */
    public Builder firestore(Firestore db) {
      this.db = db;
      return this;
    }

    public Builder storage(Storage storage) {
      this.storage = storage;
      return this;
    }

    /** The functions see the bucket store through {@code view} (e.g. one that fails writes). */
    public Builder storageView(UnaryOperator<Storage> view) {
      this.storageView = Objects.requireNonNull(view);
      return this;
    }

    public Builder routing(RoutingModule.Adapters adapters) {
      this.routing = adapters;
      return this;
    }

    public Builder scaling(ScalingModule.Adapters adapters) {
      this.scaling = adapters;
      return this;
    }

    public Builder recovery(RecoveryModule.Adapters adapters) {
      this.recovery = adapters;
      return this;
    }

    /** Changes the CDN's adapters, e.g. {@code a -> a.withPurger(recording)}. */
    public Builder cdn(UnaryOperator<CdnModule.Adapters> change) {
      this.cdn = Objects.requireNonNull(change);
      return this;
    }

    public Builder alerting(AlertingModule.Adapters adapters) {
      this.alerting = Objects.requireNonNull(adapters);
      return this;
    }

    public TestBed build() {
      return new TestBed(this);
    }
  }
}

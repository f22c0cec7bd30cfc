package app.avalo.infra.platform;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.common.base.Suppliers;
import com.google.firebase.FirebaseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The platform every domain shares: the configuration, the clock, the catalog and the production
 * clients (Firestore, Cloud Storage, the token verifier), built lazily once per instance, and the
 * cross-domain services on top of them (audit log, job runner, alerts). It knows no domain: the
 * typed composition root {@code app.avalo.infra.Root} builds the domain modules from it.
 */
public final class Platform {
  private final AppConfig config;
  private final Clock clock;
  private final Catalog catalog;
  private final Supplier<Firestore> firestore;
  private final Supplier<Storage> storage;
  private final Supplier<TokenVerifier> tokenVerifier;
  private final Supplier<AuditLog> auditLog;
  private final Supplier<JobRunner> jobRunner;
  private final Supplier<Alerts> alerts;

  private Platform(Builder b) {
    this.config = b.config;
    this.clock = b.clock;
    this.catalog = b.catalog;
    this.firestore =
        b.firestore != null ? () -> b.firestore : Suppliers.memoize(this::createFirestore);
    this.storage = b.storage != null ? () -> b.storage : Suppliers.memoize(this::createStorage);
    this.tokenVerifier =
        b.tokenVerifier != null ? () -> b.tokenVerifier : Suppliers.memoize(this::createVerifier);
    this.auditLog = Suppliers.memoize(() -> new AuditLog(firestore(), clock));
    this.jobRunner = Suppliers.memoize(() -> new JobRunner(firestore(), clock));
    this.alerts =
        Suppliers.memoize(() -> new Alerts(firestore(), clock, config.alertRepeatInterval()));
  }

  /** Reads and validates the platform configuration; throws one error listing every problem. */
  public static Platform fromEnvironment(Map<String, String> env) {
    return builder(env).build();
  }

  public static Builder builder(Map<String, String> env) {
    ConfigReader reader = new ConfigReader(env);
    AppConfig config = AppConfig.read(reader, env);
    String processAuthEmulator = System.getenv("FIREBASE_AUTH_EMULATOR_HOST");
    if (config.authEmulatorHost() != null
        && !config.authEmulatorHost().equals(processAuthEmulator)) {
      reader.problem(
          "FIREBASE_AUTH_EMULATOR_HOST must be set in the process environment too: the Admin SDK"
              + " reads it only from there");
    }
    reader.throwIfInvalid();
    return new Builder(config);
  }

  public AppConfig config() {
    return config;
  }

  public Clock clock() {
    return clock;
  }

  public Catalog catalog() {
    return catalog;
  }

  public Firestore firestore() {
    return firestore.get();
  }

  public Storage storage() {
    return storage.get();
  }

  public TokenVerifier tokenVerifier() {
    return tokenVerifier.get();
  }

  public AuditLog auditLog() {
    return auditLog.get();
  }

  public JobRunner jobRunner() {
    return jobRunner.get();
  }

  /** Raise/resolve operational alerts (any domain). */
  public Alerts alerts() {
    return alerts.get();
  }

  /** A configuration reader over this instance's environment, for domain modules. */
  public ConfigReader configReader() {
    return new ConfigReader(config.env());
  }

  private Firestore createFirestore() {
    FirestoreOptions.Builder options =
        FirestoreOptions.newBuilder().setProjectId(config.projectId());
    if (config.firestoreEmulatorHost() != null) {
      options.setEmulatorHost(config.firestoreEmulatorHost()).setCredentials(emulatorCredentials());
    }
    return options.build().getService();
  }

  private Storage createStorage() {
    return StorageOptions.newBuilder().setProjectId(config.projectId()).build().getService();
  }

  private TokenVerifier createVerifier() {
    try {
      GoogleCredentials credentials =
          config.authEmulatorHost() != null
              ? emulatorCredentials()
              : GoogleCredentials.getApplicationDefault();
      FirebaseOptions options =
          FirebaseOptions.builder()
              .setProjectId(config.projectId())
              .setCredentials(credentials)
              .build();
      return FirebaseTokenVerifier.create(options, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("no Google credentials for the Firebase Admin SDK", e);
    }
  }

  /** The emulators accept any bearer token; "owner" is what Google's own clients send them. */
  @SuppressWarnings("JavaUtilDate") // AccessToken takes a java.util.Date
  private static GoogleCredentials emulatorCredentials() {
    return GoogleCredentials.create(new AccessToken("owner", new Date(Long.MAX_VALUE)));
  }

  /** Builds an {@link Platform}; anything not given is created lazily from the configuration. */
  public static final class Builder {
    private final AppConfig config;
    private Clock clock = Clock.systemUTC();
    private Catalog catalog;
    private Firestore firestore;
    private Storage storage;
    private TokenVerifier tokenVerifier;

    private Builder(AppConfig config) {
      this.config = config;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder catalog(Catalog catalog) {
      this.catalog = catalog;
      return this;
    }

    public Builder firestore(Firestore firestore) {
      this.firestore = firestore;
      return this;
    }

    public Builder storage(Storage storage) {
      this.storage = storage;
      return this;
    }

    public Builder tokenVerifier(TokenVerifier tokenVerifier) {
      this.tokenVerifier = tokenVerifier;
      return this;
    }

    public Platform build() {
      if (catalog == null) {
        catalog = Catalog.bundled();
      }
      return new Platform(this);
    }
  }
}

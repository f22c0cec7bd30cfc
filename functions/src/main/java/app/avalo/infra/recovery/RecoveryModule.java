package app.avalo.infra.recovery;

import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The recovery domain's composition: its configuration (validated once, every problem listed) and
 * services, built once per {@link Platform}.
 */
public final class RecoveryModule {
  private final RecoveryConfig config;
  private final BackupCatalog catalog;
  private final BackupRunner backups;
  private final EntityRecovery recovery;
  private final BackupHealthMonitor health;
  private final RecoveryArchives archives;
  private final RecoveryArchiveStore archiveStore;
  private final BackupHealthStore healthStore;

  /**
   * What the recovery domain does to the world besides Firestore.
   *
   * @param sinkDecorator wraps the bucket every backup object is written through (tests use it to
   *     fail a backup part-way)
   * @param nanoTime the monotonic clock elapsed times are measured with
   * @param beforeRestoreCommit called with the commit's index before each commit of a chunked
   *     restore (tests edit the entity there, as a concurrent writer would)
   */
  public record Adapters(
      UnaryOperator<ShardSink> sinkDecorator,
      LongSupplier nanoTime,
      IntConsumer beforeRestoreCommit) {
    public Adapters(UnaryOperator<ShardSink> sinkDecorator, LongSupplier nanoTime) {
      this(sinkDecorator, nanoTime, commit -> {});
    }

    public static Adapters production() {
      return new Adapters(UnaryOperator.identity(), System::nanoTime);
    }
  }

  private final Platform platform;

  public RecoveryModule(Platform app, Adapters adapters) {
    this.platform = app;
    UnaryOperator<ShardSink> sinkDecorator = adapters.sinkDecorator();
    LongSupplier nanoTime = adapters.nanoTime();
    ConfigReader env = app.configReader();
    this.config = RecoveryConfig.read(env, app.config());
    env.throwIfInvalid();
    BackupStorage storage = new BackupStorage(app.storage(), config.bucket());
    this.catalog = new BackupCatalog(app.firestore(), app.clock());
    // Against the emulator backups read live documents (the tests' clocks are fake, so there is no
    // read time to take); the manifest records what consistency a backup really has.
    boolean readTimeHonoured = app.config().firestoreEmulatorHost() == null;
    BackupFence fence = new BackupFence(app.firestore());
    BackupWriter writer =
        new BackupWriter(
            app.firestore(),
            sinkDecorator.apply(storage),
            fence,
            config,
            readTimeHonoured,
            app.clock());
    this.backups =
        new BackupRunner(
            writer,
            storage,
            catalog,
            fence,
            new BackupRetention(catalog, storage),
            config,
            app.clock(),
            nanoTime);
    BackupReader reader = new BackupReader(app.firestore(), storage, catalog);
    RecoveryAlerts alerts = new RecoveryAlerts(app.alerts());
    this.archiveStore = new RecoveryArchiveStore(app.firestore(), app.clock());
    this.archives = new RecoveryArchives(app.firestore(), archiveStore, storage, app.clock());
    this.recovery =
        new EntityRecovery(
            app.firestore(),
            reader,
            archives,
            archiveStore,
            alerts,
            app.clock(),
            nanoTime,
            adapters.beforeRestoreCommit(),
            config);
    this.healthStore = new BackupHealthStore(app.firestore());
    this.health =
        new BackupHealthMonitor(
            catalog, reader, healthStore, new LiveCounts(app.firestore()), alerts, app.clock());
  }

  /** The backups part of the admin dashboard. */
  public DashboardSection dashboardSection() {
    return new RecoveryDashboardSection(platform, this);
  }

  RecoveryConfig config() {
    return config;
  }

  BackupCatalog catalog() {
    return catalog;
  }

  BackupRunner backups() {
    return backups;
  }

  EntityRecovery recovery() {
    return recovery;
  }

  BackupHealthMonitor health() {
    return health;
  }

  RecoveryArchives archives() {
    return archives;
  }

  RecoveryArchiveStore archiveStore() {
    return archiveStore;
  }

  BackupHealthStore healthStore() {
    return healthStore;
  }
}

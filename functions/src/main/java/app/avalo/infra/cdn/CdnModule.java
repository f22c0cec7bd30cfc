package app.avalo.infra.cdn;

import app.avalo.infra.platform.CloudTasksQueue;
import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.TaskQueue;
import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.common.base.Suppliers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The CDN domain's composition root: reads and validates its configuration once per instance and
 * builds the services with their adapters (CDN purger, egress source, bandwidth cost sink) chosen
 * by configuration. Tests and the dev server may pass explicit adapters.
 */
public final class CdnModule {
  /**
   * How long one eraseUserMedia call works before answering "running" (well inside its timeout).
   */
  private static final Duration ERASURE_TIME_BUDGET = Duration.ofMinutes(4);

  private final CdnConfig config;
  private final MediaTool tool;
  private final MediaStorage storage;
  private final AssetStore assets;
  private final CachePurger purger;
  private final EgressSource egress;
  private final BandwidthCostSink costSink;
  private final ImageAssets images;
  private final VideoAssets videos;
  private final VoiceAssets voice;
  private final ProgressiveImages progressive;
  private final PurgeService purges;
  private final TakedownService takedowns;
  private final CdnMetrics metrics;
  private final BandwidthMonitor bandwidth;
  private final EgressRecorder egressRecorder;
  private final TaskQueue queue;

  /**
   * What the CDN domain does to the world besides Firestore and Storage, and the two questions it
   * asks the cost domain (answered by the composition root, so this package imports no other
   * domain). A null adapter means "the one configured in the environment".
   *
   * @param purger invalidates CDN URLs (null: {@code CDN_PURGE_ADAPTER})
   * @param egress measures served egress (null: {@code CDN_EGRESS_SOURCE})
   * @param costSink receives the hourly egress (null: kept in Firestore and booked in {@code
   *     ledger})
   * @param queue the video transcode task queue (null: Cloud Tasks as configured)
   * @param ledger books egress as a cost
   * @param allowance answers per-user upload quotas
   */
  public record Adapters(
      CachePurger purger,
      EgressSource egress,
      BandwidthCostSink costSink,
      TaskQueue queue,
      EgressLedger ledger,
      MediaAllowance allowance) {
    public Adapters {
      Objects.requireNonNull(ledger, "ledger");
      Objects.requireNonNull(allowance, "allowance");
    }

    /** Every adapter as configured, over the given answers from the cost domain. */
    public static Adapters configured(EgressLedger ledger, MediaAllowance allowance) {
      return new Adapters(null, null, null, null, ledger, allowance);
    }

    public Adapters withPurger(CachePurger purger) {
      return new Adapters(purger, egress, costSink, queue, ledger, allowance);
    }

    public Adapters withEgress(EgressSource egress) {
      return new Adapters(purger, egress, costSink, queue, ledger, allowance);
    }

    public Adapters withCostSink(BandwidthCostSink costSink) {
      return new Adapters(purger, egress, costSink, queue, ledger, allowance);
    }

    public Adapters withQueue(TaskQueue queue) {
      return new Adapters(purger, egress, costSink, queue, ledger, allowance);
    }
  }

  public CdnModule(Platform app, Adapters adapters) {
    CachePurger purger = adapters.purger();
    EgressSource egress = adapters.egress();
    BandwidthCostSink costSink = adapters.costSink();
    TaskQueue queue = adapters.queue();
    ConfigReader reader = app.configReader();
    this.config = CdnConfig.read(reader, app.config());
    reader.throwIfInvalid();
    if (app.config().onCloudFunctions()) {
      UploadBucketCheck.requirePrivate(
          config.uploadBucket(), UploadBucketCheck.from(app.storage()));
    }
    // The ladder's budget plus the download, stills and uploads around it, within Cloud Tasks'
    // maximum.
    Duration deadline = config.videoTranscodeTimeout().plusMinutes(2);
    this.queue =
        queue != null
            ? queue
            : CloudTasksQueue.configured(
                config.tasks(),
                app.config().projectId(),
                deadline.compareTo(CloudTasksQueue.MAX_DISPATCH_DEADLINE) > 0
                    ? CloudTasksQueue.MAX_DISPATCH_DEADLINE
                    : deadline);
    this.tool =
        new MediaTool(
            config.ffmpegPath(),
            config.ffprobePath(),
            new MediaTool.Sandbox(
                config.prlimitPath(), config.mediaThreads(), config.mediaWorkDir()));
    SignedUrls signedUrls =
        new SignedUrls(
            app.storage(), urlSigner(app, config), config.signedUrlHost(), config.signedUrlTtl());
    this.storage =
        new MediaStorage(
            app.storage(),
            config.mediaBucket(),
            config.uploadBucket(),
            config.publicBaseUrl(),
            signedUrls);
    this.assets = new AssetStore(app.firestore(), app.clock());
    TrafficStore traffic = new TrafficStore(app.firestore());
    this.purger = purger != null ? purger : configuredPurger(app, config);
    this.egress = egress != null ? egress : configuredEgress(app, config, traffic);
    this.costSink =
        costSink != null
            ? costSink
            : new LedgerBandwidthCostSink(
                new FirestoreBandwidthCostSink(traffic, app.clock()), adapters.ledger());
    MediaQuota quota = new MediaQuota(adapters.allowance());
    ImagePipeline pipeline =
        new ImagePipeline(config.imageMaxPixels(), new AvifEncoder(tool, config.avifEnabled()));
    this.images =
        new ImageAssets(
            pipeline, storage, assets, quota, config.imageMaxBytes(), config.deleteOriginals());
    this.videos = new VideoAssets(tool, storage, assets, quota, config, this.queue);
    this.voice = new VoiceAssets(tool, storage, assets, quota, config);
    this.progressive = new ProgressiveImages(assets, storage);
    this.purges =
        new PurgeService(
            new PurgeStore(app.firestore()),
            app.clock(),
            this.purger,
            assets,
            storage,
            config.purgeAllMinInterval());
    this.takedowns =
        new TakedownService(
            new ErasureStore(app.firestore()),
            app.clock(),
            assets,
            storage,
            purges,
            config.erasureBatchSize(),
            config.erasureMaxBatches(),
            ERASURE_TIME_BUDGET);
    this.metrics =
        new CdnMetrics(traffic, app.clock(), assets, this.egress, config.processingTimeout());
    this.bandwidth =
        new BandwidthMonitor(
            traffic,
            new CdnAlerts(app.alerts()),
            this.egress,
            this.costSink,
            config.spikePercent(),
            config.spikeFloorBytes());
    this.egressRecorder = new EgressRecorder(traffic);
  }

  private static CachePurger configuredPurger(Platform app, CdnConfig config) {
    return switch (config.purgeAdapter()) {
      case RECORDING -> new RecordingPurger();
      case CLOUD_CDN ->
          new CloudCdnPurger(
              app.config().projectId(),
              config.cloudCdnUrlMap(),
              config.cloudCdnHost(),
              Suppliers.memoize(CloudCdnPurger::defaultClient));
      case CLOUDFLARE ->
          new CloudflarePurger(
              config.cloudflareApiBase(),
              config.cloudflareZoneId(),
              config.cloudflareApiToken(),
              HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    };
  }

  /**
   * The signer of private media URLs: locally a key the dev server can check; in production the
   * default credentials, which on Cloud Functions sign through the IAM signBlob API.
   */
  private static Supplier<ServiceAccountSigner> urlSigner(Platform app, CdnConfig config) {
    if (config.urlSigner() == CdnConfig.UrlSignerKind.LOCAL) {
      return Suppliers.memoize(() -> new LocalUrlSigner(app.config().projectId()));
    }
    return Suppliers.memoize(
        () -> {
          try {
            if (GoogleCredentials.getApplicationDefault() instanceof ServiceAccountSigner signer) {
              return signer;
            }
            throw new IllegalStateException(
                "the default credentials cannot sign (not a service account)");
          } catch (IOException e) {
            throw new UncheckedIOException(
                "no default Google credentials to sign media URLs with", e);
          }
        });
  }

  private static EgressSource configuredEgress(
      Platform app, CdnConfig config, TrafficStore traffic) {
    return switch (config.egressSource()) {
      case FIRESTORE -> new FirestoreEgressSource(traffic);
      case CLOUD_MONITORING ->
          new CloudMonitoringEgressSource(
              app.config().projectId(),
              config.cloudCdnUrlMap(),
              Suppliers.memoize(CloudMonitoringEgressSource::defaultClient));
    };
  }

  /** The CDN part of the admin dashboard. */
  public DashboardSection dashboardSection() {
    return new CdnDashboardSection(metrics);
  }

  public CdnConfig config() {
    return config;
  }

  public CachePurger purger() {
    return purger;
  }

  /** Records served egress for the Firestore egress source (log consumers, demo seed). */
  public EgressRecorder egressRecorder() {
    return egressRecorder;
  }

  MediaTool tool() {
    return tool;
  }

  MediaStorage storage() {
    return storage;
  }

  ImageAssets images() {
    return images;
  }

  VideoAssets videos() {
    return videos;
  }

  VoiceAssets voice() {
    return voice;
  }

  ProgressiveImages progressive() {
    return progressive;
  }

  PurgeService purges() {
    return purges;
  }

  TakedownService takedowns() {
    return takedowns;
  }

  CdnMetrics metrics() {
    return metrics;
  }

  BandwidthMonitor bandwidth() {
    return bandwidth;
  }
}

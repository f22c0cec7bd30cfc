package app.avalo.infra.cdn;

import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.TaskQueueConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The CDN domain's configuration, read once from the environment. Every variable, its default and
 * meaning is listed in {@code docs/cdn.md}.
 */
public record CdnConfig(
    String mediaBucket,
    String uploadBucket,
    String publicBaseUrl,
    UrlSignerKind urlSigner,
    String signedUrlHost,
    Duration signedUrlTtl,
    PurgeAdapterKind purgeAdapter,
    String cloudCdnUrlMap,
    String cloudCdnHost,
    String cloudflareZoneId,
    String cloudflareApiToken,
    URI cloudflareApiBase,
    EgressSourceKind egressSource,
    String ffmpegPath,
    String ffprobePath,
    String prlimitPath,
    Path mediaWorkDir,
    int mediaThreads,
    long videoToolMemoryBytes,
    long mediaToolMemoryBytes,
    String x264Preset,
    boolean avifEnabled,
    long imageMaxBytes,
    long imageMaxPixels,
    long videoMaxBytes,
    int videoMaxSeconds,
    Duration videoTranscodeTimeout,
    long voiceMaxBytes,
    int voiceMaxSeconds,
    boolean deleteOriginals,
    Duration purgeAllMinInterval,
    int spikePercent,
    long spikeFloorBytes,
    Duration processingTimeout,
    int erasureBatchSize,
    int erasureMaxBatches,
    String videoTranscodeQueue,
    int videoTranscodeMaxAttempts,
    Duration videoProgressInterval,
    TaskQueueConfig tasks) {

  /** Which CDN the purge functions talk to. */
  public enum PurgeAdapterKind {
    RECORDING,
    CLOUD_CDN,
    CLOUDFLARE
  }

  /**
   * Who signs the V4 URLs of private media: {@code iam} — the function's own service account
   * through the IAM Credentials signBlob API (the default credentials on Cloud Functions sign that
   * way); {@code local} — an in-process key the dev server verifies (refused on Cloud Functions).
   */
  public enum UrlSignerKind {
    IAM,
    LOCAL
  }

  /** Where egress and cache hit/miss numbers come from. */
  public enum EgressSourceKind {
    FIRESTORE,
    CLOUD_MONITORING
  }

  private static final Set<String> X264_PRESETS =
      Set.of(
          "ultrafast",
          "superfast",
          "veryfast",
          "faster",
          "fast",
          "medium",
          "slow",
          "slower",
          "veryslow");
  private static final long MIB = 1024L * 1024;

  /**
   * The ladder's ffmpeg budget: under the 30-minute Cloud Tasks dispatch deadline with room for the
   * download, poster, preview and upload around it.
   */
  static final int MAX_TRANSCODE_SECONDS = 1680;

  public static CdnConfig read(ConfigReader env, AppConfig platform) {
    boolean cloud = platform.onCloudFunctions();
    String mediaBucket;
    if (cloud) {
      mediaBucket =
          env.required("MEDIA_BUCKET", "the Cloud Storage bucket CDN objects are written to");
    } else {
      mediaBucket = env.optional("MEDIA_BUCKET", platform.projectId() + "-media");
    }
    String uploadBucket;
    if (cloud) {
      // Originals carry GPS EXIF and private media lives here: never the public media bucket.
      uploadBucket =
          env.required(
              "UPLOAD_BUCKET",
              "the private Cloud Storage bucket for uploaded originals and private media, not"
                  + " MEDIA_BUCKET");
    } else {
      uploadBucket = env.optional("UPLOAD_BUCKET", platform.projectId() + "-uploads");
    }
    if (!uploadBucket.isEmpty() && uploadBucket.equals(mediaBucket)) {
      env.problem(
          "UPLOAD_BUCKET must be a private bucket distinct from MEDIA_BUCKET (both are '"
              + mediaBucket
              + "'): the media bucket is public, so uploaded originals and private media would be"
              + " public too");
    }
    UrlSignerKind signer =
        env.enumValue(
            "SIGNED_URL_SIGNER",
            UrlSignerKind.class,
            cloud ? UrlSignerKind.IAM : UrlSignerKind.LOCAL);
    if (cloud && signer == UrlSignerKind.LOCAL) {
      env.problem(
          "SIGNED_URL_SIGNER=local is refused on Cloud Functions: its key is not a Google service"
              + " account, so its URLs would not open anything (use iam)");
    }
    String signedHost = env.optional("SIGNED_URL_HOST", "https://storage.googleapis.com");
    if (!signedHost.matches("https?://[^\\s?#]+")) {
      env.problem(
          "SIGNED_URL_HOST must be an http(s) URL without query or fragment (got '"
              + signedHost
              + "')");
    }
    signedHost = signedHost.replaceAll("/+$", "");
    Duration signedTtl =
        Duration.ofSeconds(env.intValue("SIGNED_URL_TTL_SECONDS", 900, 60, 604_800));
    String baseUrl = env.optional("CDN_BASE_URL", "https://storage.googleapis.com/" + mediaBucket);
    if (!baseUrl.matches("https?://[^\\s?#]+")) {
      env.problem(
          "CDN_BASE_URL must be an http(s) URL without query or fragment (got '" + baseUrl + "')");
    }
    baseUrl = baseUrl.replaceAll("/+$", "");

    PurgeAdapterKind adapter;
    if (cloud && !env.isSet("CDN_ADAPTER")) {
      env.problem(
          "CDN_ADAPTER is missing (cloud-cdn or cloudflare; 'recording' purges nothing and is for"
              + " local use)");
      adapter = PurgeAdapterKind.RECORDING;
    } else {
      adapter = env.enumValue("CDN_ADAPTER", PurgeAdapterKind.class, PurgeAdapterKind.RECORDING);
    }
    String urlMap = env.raw("CLOUD_CDN_URL_MAP");
    if (adapter == PurgeAdapterKind.CLOUD_CDN && urlMap == null) {
      env.problem(
          "CLOUD_CDN_URL_MAP is missing (the URL map whose Cloud CDN cache is invalidated;"
              + " CDN_ADAPTER=cloud-cdn)");
    }
    String zone = env.raw("CLOUDFLARE_ZONE_ID");
    String token = env.raw("CLOUDFLARE_API_TOKEN");
    if (adapter == PurgeAdapterKind.CLOUDFLARE) {
      if (zone == null) {
        env.problem("CLOUDFLARE_ZONE_ID is missing (CDN_ADAPTER=cloudflare)");
      }
      if (token == null) {
        env.problem(
            "CLOUDFLARE_API_TOKEN is missing (an API token with Cache Purge permission;"
                + " CDN_ADAPTER=cloudflare)");
      }
    }
    URI cloudflareBase = URI.create("https://api.cloudflare.com/client/v4");
    String rawBase = env.raw("CLOUDFLARE_API_BASE");
    if (rawBase != null) {
      if (rawBase.matches("https?://[^\\s?#]+")) {
        cloudflareBase = URI.create(rawBase.replaceAll("/+$", ""));
      } else {
        env.problem("CLOUDFLARE_API_BASE must be an http(s) URL (got '" + rawBase + "')");
      }
    }
    EgressSourceKind egress =
        env.enumValue("CDN_EGRESS_SOURCE", EgressSourceKind.class, EgressSourceKind.FIRESTORE);
    if (egress == EgressSourceKind.CLOUD_MONITORING && urlMap == null) {
      env.problem(
          "CLOUD_CDN_URL_MAP is missing (CDN_EGRESS_SOURCE=cloud-monitoring reads the load"
              + " balancer's metrics)");
    }
    String preset = env.optional("VIDEO_X264_PRESET", "veryfast");
    if (!X264_PRESETS.contains(preset)) {
      env.problem("VIDEO_X264_PRESET must be one of " + X264_PRESETS + " (got '" + preset + "')");
    }
    String queue =
        cloud
            ? env.required(
                "VIDEO_TRANSCODE_QUEUE",
                "the Cloud Tasks queue of video transcodes (deploy.json taskQueues)")
            : env.optional("VIDEO_TRANSCODE_QUEUE", "video-transcode");
    if (!queue.isEmpty() && !queue.matches("[A-Za-z0-9-]{1,100}")) {
      env.problem(
          "VIDEO_TRANSCODE_QUEUE must be a queue id of letters, digits and hyphens (got '"
              + queue
              + "')");
    }
    return new CdnConfig(
        mediaBucket,
        uploadBucket,
        baseUrl,
        signer,
        signedHost,
        signedTtl,
        adapter,
        urlMap,
        env.raw("CLOUD_CDN_HOST"),
        zone,
        token,
        cloudflareBase,
        egress,
        env.optional("FFMPEG_PATH", "ffmpeg"),
        env.optional("FFPROBE_PATH", "ffprobe"),
        env.optional("MEDIA_PRLIMIT_PATH", "prlimit"),
        Path.of(env.optional("MEDIA_WORK_DIR", System.getProperty("java.io.tmpdir"))),
        env.intValue("MEDIA_TOOL_THREADS", 2, 1, 16),
        env.longValue("VIDEO_TOOL_MEMORY_MB", 3072, 1024, 16_384) * MIB,
        env.longValue("MEDIA_TOOL_MEMORY_MB", 1024, 512, 8192) * MIB,
        preset,
        env.bool("IMAGE_AVIF_ENABLED", true),
        env.longValue("IMAGE_MAX_BYTES", 25 * MIB, 1024, 200 * MIB),
        env.longValue("IMAGE_MAX_PIXELS", 100_000_000L, 1_000_000L, 400_000_000L),
        env.longValue("VIDEO_MAX_BYTES", 2048 * MIB, MIB, 20_480 * MIB),
        env.intValue("VIDEO_MAX_SECONDS", 600, 1, 4 * 3600),
        // The ladder runs inside one Cloud Tasks dispatch, which may last 30 minutes at most.
        Duration.ofSeconds(
            env.intValue("VIDEO_TRANSCODE_TIMEOUT_SECONDS", 1500, 10, MAX_TRANSCODE_SECONDS)),
        env.longValue("VOICE_MAX_BYTES", 20 * MIB, 1024, 200 * MIB),
        env.intValue("VOICE_MAX_SECONDS", 300, 1, 3600),
        env.bool("CDN_DELETE_ORIGINALS", true),
        Duration.ofSeconds(env.intValue("CDN_PURGE_ALL_MIN_INTERVAL_SECONDS", 600, 0, 86_400)),
        env.intValue("CDN_BANDWIDTH_SPIKE_PERCENT", 300, 110, 10_000),
        env.longValue("CDN_BANDWIDTH_SPIKE_FLOOR_BYTES", 1024 * MIB, 0, Long.MAX_VALUE),
        Duration.ofMinutes(env.intValue("CDN_PROCESSING_TIMEOUT_MINUTES", 90, 5, 24 * 60)),
        env.intValue("CDN_ERASURE_BATCH_SIZE", 50, 1, 500),
        env.intValue("CDN_ERASURE_MAX_BATCHES", 20, 1, 1000),
        queue,
        // Must equal the queue's --max-attempts: the attempt that sees this number dead-letters the
        // asset.
        env.intValue("VIDEO_TRANSCODE_MAX_ATTEMPTS", 5, 1, 100),
        Duration.ofSeconds(env.intValue("VIDEO_PROGRESS_INTERVAL_SECONDS", 5, 1, 300)),
        // Read here so the deploy preflight, which runs CdnConfig.read, checks the queue settings
        // too.
        TaskQueueConfig.read(env, platform));
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Sha256;
import app.avalo.infra.platform.Status;
import app.avalo.infra.platform.TaskQueue;
import com.google.cloud.storage.Blob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Video uploads, in two halves. {@link #uploadVideo} (the callable) probes the uploaded original
 * within limits — nothing is written for a video that is too long, too big, unreadable, in an
 * unknown codec or whose first seconds do not decode — charges the quota, claims the asset as
 * {@code processing}, enqueues one transcode task and answers at once. {@link #transcode} (the
 * private worker the queue calls) transcodes the original once into an HLS ladder (one decode, all
 * renditions, ~6 s segments cut on forced keyframes, a master playlist), adds a poster JPEG and a 3
 * s animated WebP (GIF when libwebp is missing) preview, stores everything and marks the asset
 * {@code ready}, writing {@code progress} on the record as it goes. A user's undecodable file ends
 * {@code failed} at once; our own failures are answered 5xx so the queue retries, and the last
 * allowed attempt dead-letters the asset. The original stays until the worker finished either way,
 * then goes.
 */
final class VideoAssets {
  /** The private worker function the transcode tasks are delivered to. */
  static final String WORKER = "transcodeVideo";

  static final int SEGMENT_SECONDS = 6;
  static final Set<String> ACCEPTED_CODECS =
      Set.of("h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "prores", "mjpeg");
  private static final int MAX_DIMENSION = 8192;
  private static final int PREVIEW_EDGE = 320;
  private static final double PREVIEW_SECONDS = 3;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STILL_TIMEOUT = Duration.ofMinutes(2);

  /** One HLS segment: ~6 s at the top rung's ~5 Mb/s is ~4 MB; far above that is not ours. */
  private static final long SEGMENT_FILE_BYTES = 256L << 20;

  private static final long STILL_FILE_BYTES = 64L << 20;

  /**
   * Decoded before the asset is claimed: garbage frames behind a valid index are refused unwritten.
   */
  static final double DECODE_CHECK_SECONDS = 2;

  /** The ladder's share of the progress; poster, preview and the uploads make up the rest. */
  private static final double LADDER_SHARE = 0.9;

  /** Worker failures that a retry cannot fix: the asset fails at once. */
  private static final Set<Status> PERMANENT =
      Set.of(Status.INVALID_ARGUMENT, Status.NOT_FOUND, Status.DEADLINE_EXCEEDED);

  private final MediaTool tool;
  private final MediaStorage storage;
  private final AssetStore assets;
  private final MediaQuota quota;
  private final CdnConfig config;
  private final TaskQueue queue;

  VideoAssets(
      MediaTool tool,
      MediaStorage storage,
      AssetStore assets,
      MediaQuota quota,
      CdnConfig config,
      TaskQueue queue) {
    this.tool = tool;
    this.storage = storage;
    this.assets = assets;
    this.quota = quota;
    this.config = config;
    this.queue = queue;
  }

  /** The payload of one transcode task. */
  record TranscodeTask(String assetId, String task) {}

  /** What the worker answers the queue (always 2xx; retryable failures throw instead). */
  record TranscodeOutcome(String assetId, String outcome, int attempt, String status) {}

  VideoUpload uploadVideo(String uid, UploadPath path) {
    tool.requireEncoder("libx264", "HLS video");
    tool.requireEncoder("aac", "HLS audio");
    // One asset per uploaded object: a client that retries (or polls) gets the running or
    // finished job instead of starting a second transcode.
    String assetId = "vid_" + Sha256.hex(uid + "\n" + path.value()).substring(0, 32);
    Optional<Asset> existing = assets.find(assetId);
    if (existing.isPresent()) {
      Asset asset = existing.get();
      if (asset.status() == AssetStatus.PROCESSING
          && asset.job() != null
          && asset.job().enqueuedAt() == null) {
        // The claiming call stopped before its enqueue: the task name makes a second one harmless.
        enqueue(assetId, asset.job().transcodeTask(), path);
      }
      if (asset.status() != AssetStatus.FAILED || !storage.uploadExists(path)) {
        return view(
            assets
                .find(assetId)
                .orElseThrow()); // a failed job's original is gone: its outcome stays
      }
    }
    AssetDetails details;
    try {
      details = validate(path, assetId);
      quota.charge(uid, MediaAllowance.Budget.VIDEO);
    } catch (RuntimeException e) {
      deleteOriginal(path); // a refused upload must not stay readable either
      throw e;
    }
    // A fresh task name per claim: Cloud Tasks refuses a used name for about an hour, so a
    // re-upload after a failure must not reuse the failed claim's.
    String task = assetId + "-" + HexFormat.of().formatHex(randomBytes(8));
    Optional<Asset> running =
        assets.startProcessing(assetId, AssetType.VIDEO, uid, details, VideoJob.claimed(task));
    if (running.isPresent()) {
      return view(running.get()); // a concurrent retry got there first; its task owns the original
    }
    enqueue(assetId, task, path);
    return view(assets.find(assetId).orElseThrow());
  }

  /** Probes the original within limits and returns the asset's source fields; writes nothing. */
  private AssetDetails validate(UploadPath path, String assetId) {
    Blob blob = storage.upload(path, "path", config.videoMaxBytes());
    try (WorkDir work = tool.workDir("video-probe")) {
      Path file = work.resolve("source");
      storage.download(blob, file);
      MediaTool.MediaProbe probe = probe(tool.open(file, MediaKind.VIDEO, "path"));
      return AssetDetails.video(
          AssetType.VIDEO.prefix(assetId, false),
          path.value(),
          blob.getSize(),
          probe.video().codec(),
          probe.video().width(),
          probe.video().height(),
          Math.round(probe.durationSeconds() * 1000),
          probe.audio() != null);
    }
  }

  private void enqueue(String assetId, String task, UploadPath path) {
    try {
      queue.enqueue(config.videoTranscodeQueue(), WORKER, new TranscodeTask(assetId, task), task);
    } catch (RuntimeException e) {
      Log.error("video transcode could not be queued", Map.of("assetId", assetId, "task", task), e);
      assets.markFailed(assetId, "the video could not be queued for processing");
      deleteOriginal(path);
      throw new ApiException(
          Status.UNAVAILABLE,
          "the video could not be queued for processing; upload it again",
          Map.of("assetId", assetId, "status", AssetStatus.FAILED.wire()));
    }
    assets.markEnqueued(assetId);
  }

  /**
   * One delivery of a transcode task. A task for an asset that is no longer processing (finished,
   * failed, taken down) or that an older claim enqueued does nothing. Retryable failures throw
   * INTERNAL (5xx: the queue retries with backoff) until {@code delivery} is the last allowed
   * attempt, which marks the asset failed and dead-lettered instead.
   */
  TranscodeOutcome transcode(TranscodeTask job, TaskQueue.Delivery delivery) {
    int attempt = delivery.attempt();
    Optional<Asset> found = assets.find(job.assetId());
    if (found.isEmpty()) {
      return new TranscodeOutcome(job.assetId(), "missing", attempt, null);
    }
    Asset asset = found.get();
    if (asset.status() != AssetStatus.PROCESSING) {
      return new TranscodeOutcome(job.assetId(), "duplicate", attempt, asset.status().wire());
    }
    if (asset.job() == null || !job.task().equals(asset.job().transcodeTask())) {
      return new TranscodeOutcome(job.assetId(), "superseded", attempt, asset.status().wire());
    }
    UploadPath path = new UploadPath(asset.details().source());
    assets.markAttempt(asset.id(), attempt);
    try {
      process(asset, path, attempt);
      deleteOriginal(path);
      Log.info("video processed", Map.of("assetId", asset.id(), "attempt", attempt));
      return new TranscodeOutcome(asset.id(), "ready", attempt, AssetStatus.READY.wire());
    } catch (RuntimeException e) {
      storage.deleteQuietly(storage.list(asset.storagePrefix()));
      if (e instanceof ApiException api && PERMANENT.contains(api.status())) {
        // The user's file (or a takedown meanwhile): a retry would fail the same way.
        assets.markFailed(asset.id(), api.getMessage(), attempt);
        deleteOriginal(path);
        Log.warn(
            "video processing failed",
            Map.of("assetId", asset.id(), "reason", api.getMessage(), "attempt", attempt));
        return new TranscodeOutcome(asset.id(), "failed", attempt, AssetStatus.FAILED.wire());
      }
      String error =
          e instanceof ApiException api
              ? api.getMessage()
              : "unexpected " + e.getClass().getSimpleName();
      Log.error(
          "video transcode attempt failed",
          Map.of(
              "assetId",
              asset.id(),
              "attempt",
              attempt,
              "maxAttempts",
              config.videoTranscodeMaxAttempts(),
              "error",
              error),
          e);
      if (attempt >= config.videoTranscodeMaxAttempts()) {
        assets.markDeadLettered(
            asset.id(),
            "video processing failed " + attempt + " times; upload it again later",
            attempt,
            error);
        deleteOriginal(path);
        return new TranscodeOutcome(
            asset.id(), "dead_lettered", attempt, AssetStatus.FAILED.wire());
      }
      assets.recordAttemptError(asset.id(), error);
      throw new ApiException(
          Status.INTERNAL,
          "video transcode attempt "
              + attempt
              + " of "
              + config.videoTranscodeMaxAttempts()
              + " failed; the queue retries it",
          Map.of("assetId", asset.id(), "attempt", attempt));
    }
  }

  private void process(Asset asset, UploadPath path, int attempt) {
    Blob blob = storage.upload(path, "path", config.videoMaxBytes());
    try (WorkDir work = tool.workDir("video")) {
      Path file = work.resolve("source");
      storage.download(blob, file);
      MediaTool.Input input = tool.open(file, MediaKind.VIDEO, "path");
      MediaTool.MediaProbe probe = probe(input);
      List<HlsLadder.Rendition> ladder =
          HlsLadder.forSource(probe.video().width(), probe.video().height());
      TranscodeProgress progress =
          new TranscodeProgress(
              probe.durationSeconds(),
              LADDER_SHARE,
              config.videoProgressInterval(),
              System::nanoTime,
              fraction -> reportProgress(asset.id(), fraction));
      List<Variant> variants =
          transcode(
              work,
              input,
              probe,
              ladder,
              asset.storagePrefix(),
              asset.owner(),
              asset.id(),
              progress);
      HlsLadder.Rendition top = ladder.get(0);
      assets.saveReady(
          asset.id(),
          AssetType.VIDEO,
          asset.owner(),
          asset.details().withSize(top.width(), top.height()),
          // the snapshot predates this attempt's count
          asset.job().finished(attempt),
          variants,
          asset.createdAt());
    }
  }

  /**
   * Progress is for the client's progress bar: a failed write is logged, never fails the transcode.
   */
  private void reportProgress(String assetId, double fraction) {
    try {
      assets.recordProgress(assetId, fraction);
    } catch (RuntimeException e) {
      Log.warn(
          "video progress could not be recorded",
          Map.of("assetId", assetId, "error", String.valueOf(e)));
    }
  }

  private void deleteOriginal(UploadPath path) {
    if (config.deleteOriginals()) {
      storage.deleteUploadQuietly(path);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What the caller gets for a video asset: processing (with progress), ready, or failed with the
   * reason.
   */
  private VideoUpload view(Asset asset) {
    boolean ready = asset.ready();
    String prefix = asset.storagePrefix();
    return new VideoUpload(
        asset.id(),
        AssetType.VIDEO.wire(),
        asset.status().wire(),
        asset.details().durationMs(),
        asset.status() == AssetStatus.PROCESSING && asset.job() != null
            ? asset.job().progress()
            : null,
        asset.status() == AssetStatus.FAILED ? asset.failureReason() : null,
        ready ? asset.width() : null,
        ready ? asset.height() : null,
        ready ? storage.publicUrl(prefix + "hls/master.m3u8") : null,
        ready ? storage.publicUrl(prefix + "poster.jpg") : null,
        ready ? asset.variants().stream().map(v -> v.toClient(storage)).toList() : null);
  }

  private MediaTool.MediaProbe probe(MediaTool.Input input) {
    MediaTool.Limits limits = MediaTool.Limits.probe(PROBE_TIMEOUT, config.mediaToolMemoryBytes());
    MediaTool.MediaProbe probe = tool.probe(input, limits);
    if (probe.video() == null) {
      throw ApiException.invalidArgument("path", "has no video stream");
    }
    if (!ACCEPTED_CODECS.contains(probe.video().codec())) {
      throw ApiException.invalidArgument(
          "path",
          "video codec "
              + probe.video().codec()
              + " is not accepted (accepted: "
              + String.join(", ", ACCEPTED_CODECS.stream().sorted().toList())
              + ")");
    }
    if (probe.video().width() <= 0
        || probe.video().height() <= 0
        || probe.video().width() > MAX_DIMENSION
        || probe.video().height() > MAX_DIMENSION) {
      throw ApiException.invalidArgument(
          "path",
          "video size "
              + probe.video().width()
              + "×"
              + probe.video().height()
              + " is outside 1..8192 pixels");
    }
    double duration = probe.durationSeconds();
    if (Double.isNaN(duration) || duration <= 0) {
      throw ApiException.invalidArgument("path", "the video's duration cannot be determined");
    }
    if (duration > config.videoMaxSeconds()) {
      throw ApiException.invalidArgument(
          "path",
          "the video is "
              + clock(duration)
              + " long; the limit is "
              + clock(config.videoMaxSeconds()));
    }
    tool.requireDecodable(input, DECODE_CHECK_SECONDS, limits);
    return probe;
  }

  private List<Variant> transcode(
      WorkDir work,
      MediaTool.Input input,
      MediaTool.MediaProbe probe,
      List<HlsLadder.Rendition> ladder,
      String prefix,
      String uid,
      String assetId,
      TranscodeProgress progress) {
    Path hls = work.resolve("hls");
    try {
      Files.createDirectories(hls);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean audio = probe.audio() != null;
    List<String> args = new ArrayList<>();
    StringBuilder filter = new StringBuilder("[0:v]split=" + ladder.size());
    for (int i = 0; i < ladder.size(); i++) {
      filter.append("[s").append(i).append("]");
    }
    for (int i = 0; i < ladder.size(); i++) {
      HlsLadder.Rendition r = ladder.get(i);
      filter
          .append(";[s")
          .append(i)
          .append("]scale=")
          .append(r.width())
          .append(":")
          .append(r.height())
          .append(",setsar=1[v")
          .append(i)
          .append("]");
    }
    args.addAll(List.of("-filter_complex", filter.toString()));
    StringBuilder streamMap = new StringBuilder();
    for (int i = 0; i < ladder.size(); i++) {
      HlsLadder.Rendition r = ladder.get(i);
      args.addAll(List.of("-map", "[v" + i + "]"));
      if (audio) {
        args.addAll(List.of("-map", "0:a:0"));
      }
      args.addAll(
          List.of(
              "-b:v:" + i,
              Long.toString(r.videoBitrate()),
              "-maxrate:v:" + i,
              Long.toString(r.videoBitrate() * 107 / 100),
              "-bufsize:v:" + i,
              Long.toString(r.videoBitrate() * 3 / 2)));
      if (audio) {
        args.addAll(List.of("-b:a:" + i, Long.toString(r.audioBitrate())));
      }
      streamMap
          .append(i == 0 ? "" : " ")
          .append("v:")
          .append(i)
          .append(audio ? ",a:" + i : "")
          .append(",name:")
          .append(r.name());
    }
    args.addAll(
        List.of(
            "-c:v",
            "libx264",
            "-preset",
            config.x264Preset(),
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            "-force_key_frames",
            "expr:gte(t,n_forced*" + SEGMENT_SECONDS + ")",
            "-sc_threshold",
            "0"));
    if (audio) {
      args.addAll(List.of("-c:a", "aac", "-ac", "2", "-ar", "48000"));
    }
    args.addAll(
        List.of(
            "-f",
            "hls",
            "-hls_time",
            Integer.toString(SEGMENT_SECONDS),
            "-hls_playlist_type",
            "vod",
            "-hls_flags",
            "independent_segments",
            "-hls_segment_type",
            "mpegts",
            "-hls_segment_filename",
            "%v/seg_%03d.ts",
            "-master_pl_name",
            "master.m3u8",
            "-var_stream_map",
            streamMap.toString()));
    // The HLS muxer writes many files, so -fs cannot cap it: RLIMIT_FSIZE caps each segment and
    // the work directory budget the whole ladder (1.5 × what the ladder's bitrates need).
    long ladderBytesPerSecond = ladder.stream().mapToLong(HlsLadder.Rendition::bandwidth).sum() / 8;
    long budget =
        (long) (ladderBytesPerSecond * 1.5 * (probe.durationSeconds() + SEGMENT_SECONDS))
            + (64L << 20);
    MediaTool.Limits limits =
        new MediaTool.Limits(
            config.videoTranscodeTimeout(),
            config.videoToolMemoryBytes(),
            SEGMENT_FILE_BYTES,
            budget,
            Math.min(config.videoMaxSeconds(), probe.durationSeconds() + 1));
    tool.transcode(
        input,
        List.of(),
        List.of(new MediaTool.Output(args, "%v/index.m3u8", false)),
        limits,
        hls,
        progress);

    HlsLadder.Rendition top = ladder.get(0);
    Path poster = work.resolve("poster.jpg");
    double at = Math.min(1.0, probe.durationSeconds() / 2);
    MediaTool.Limits still =
        new MediaTool.Limits(
            STILL_TIMEOUT, config.videoToolMemoryBytes(), STILL_FILE_BYTES, 0, PREVIEW_SECONDS);
    tool.transcode(
        input,
        List.of("-ss", String.format(Locale.ROOT, "%.3f", at)),
        List.of(
            new MediaTool.Output(
                List.of(
                    "-frames:v",
                    "1",
                    "-vf",
                    "scale=" + top.width() + ":" + top.height(),
                    "-q:v",
                    "3"),
                poster.toString(),
                true)),
        still,
        work.path());
    Preview preview = preview(work, input, probe, still);

    Map<String, String> meta = Map.of("owner", uid, "assetId", assetId);
    List<Variant> variants = new ArrayList<>();
    variants.add(
        Variant.of(
            "master",
            "hls",
            top.width(),
            top.height(),
            storage
                .putFile(
                    prefix + "hls/master.m3u8",
                    hls.resolve("master.m3u8"),
                    "application/vnd.apple.mpegurl",
                    CachePolicy.VIDEO,
                    meta)
                .bytes(),
            prefix + "hls/master.m3u8",
            "application/vnd.apple.mpegurl"));
    for (HlsLadder.Rendition r : ladder) {
      Path dir = hls.resolve(r.name());
      long bytes = 0;
      int segments = 0;
      for (Path segment : files(dir, ".ts")) {
        bytes +=
            storage
                .putFile(
                    prefix + "hls/" + r.name() + "/" + segment.getFileName(),
                    segment,
                    "video/mp2t",
                    CachePolicy.STATIC,
                    meta)
                .bytes();
        segments++;
      }
      String playlist = prefix + "hls/" + r.name() + "/index.m3u8";
      bytes +=
          storage
              .putFile(
                  playlist,
                  dir.resolve("index.m3u8"),
                  "application/vnd.apple.mpegurl",
                  CachePolicy.VIDEO,
                  meta)
              .bytes();
      variants.add(
          new Variant(
              r.name(),
              "hls",
              r.width(),
              r.height(),
              bytes,
              playlist,
              "application/vnd.apple.mpegurl",
              r.bandwidth(),
              segments));
    }
    variants.add(
        Variant.of(
            "poster",
            "jpeg",
            top.width(),
            top.height(),
            storage
                .putFile(prefix + "poster.jpg", poster, "image/jpeg", CachePolicy.VIDEO, meta)
                .bytes(),
            prefix + "poster.jpg",
            "image/jpeg"));
    String previewPath = prefix + "preview." + preview.extension();
    variants.add(
        Variant.of(
            "preview",
            preview.format(),
            preview.width(),
            preview.height(),
            storage
                .putFile(
                    previewPath, preview.file(), preview.contentType(), CachePolicy.VIDEO, meta)
                .bytes(),
            previewPath,
            preview.contentType()));
    return variants;
  }

  private record Preview(
      Path file, String format, String extension, String contentType, int width, int height) {}

  private Preview preview(
      WorkDir work, MediaTool.Input input, MediaTool.MediaProbe probe, MediaTool.Limits still) {
    int w = probe.video().width();
    int h = probe.video().height();
    double scale = Math.min(1.0, PREVIEW_EDGE / (double) Math.max(w, h));
    int pw = Math.max(2, (int) Math.round(w * scale) / 2 * 2);
    int ph = Math.max(2, (int) Math.round(h * scale) / 2 * 2);
    MediaTool.Limits limits =
        still.withMaxSeconds(Math.min(PREVIEW_SECONDS, probe.durationSeconds()));
    if (tool.hasEncoder("libwebp_anim")) {
      Path out = work.resolve("preview.webp");
      tool.transcode(
          input,
          List.of(),
          List.of(
              new MediaTool.Output(
                  List.of(
                      "-an",
                      "-vf",
                      "fps=10,scale=" + pw + ":" + ph,
                      "-c:v",
                      "libwebp_anim",
                      "-loop",
                      "0",
                      "-quality",
                      "60",
                      "-lossless",
                      "0"),
                  out.toString(),
                  true)),
          limits,
          work.path());
      return new Preview(out, "webp", "webp", "image/webp", pw, ph);
    }
    Path out = work.resolve("preview.gif");
    tool.transcode(
        input,
        List.of(),
        List.of(
            new MediaTool.Output(
                List.of(
                    "-an",
                    "-filter_complex",
                    "fps=10,scale="
                        + pw
                        + ":"
                        + ph
                        + ",split[a][b];[a]palettegen[p];[b][p]paletteuse",
                    "-loop",
                    "0"),
                out.toString(),
                true)),
        limits,
        work.path());
    return new Preview(out, "gif", "gif", "image/gif", pw, ph);
  }

  private static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import com.google.cloud.storage.Blob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Voice messages: any audio ffmpeg can read, at most {@code VOICE_MAX_SECONDS} long, becomes Opus
 * in Ogg — mono, 48 kHz, ~32 kb/s tuned for speech — after EBU R128 loudness normalisation (-16
 * LUFS integrated, -1.5 dBTP), so quiet and loud recordings play back at the same level.
 * Constrained VBR keeps the size predictable: unconstrained VBR spent 50+ kb/s on tonal input.
 */
final class VoiceAssets {
  static final int BITRATE = 32_000;
  static final String LOUDNORM = "loudnorm=I=-16:TP=-1.5:LRA=11";
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ENCODE_TIMEOUT = Duration.ofMinutes(2);

  private final MediaTool tool;
  private final MediaStorage storage;
  private final AssetStore assets;
  private final MediaQuota quota;
  private final CdnConfig config;

  VoiceAssets(
      MediaTool tool, MediaStorage storage, AssetStore assets, MediaQuota quota, CdnConfig config) {
    this.tool = tool;
    this.storage = storage;
    this.assets = assets;
    this.quota = quota;
    this.config = config;
  }

  VoiceMessage optimize(String uid, MediaSource source) {
    try {
      return process(uid, source);
    } finally {
      if (source instanceof MediaSource.Uploaded uploaded && config.deleteOriginals()) {
        // Success or failure, the original goes: a refused upload must not stay readable either.
        storage.deleteUploadQuietly(uploaded.path());
      }
    }
  }

  private VoiceMessage process(String uid, MediaSource source) {
    tool.requireEncoder("libopus", "voice messages");
    try (WorkDir work = tool.workDir("voice")) {
      Path file = work.resolve("source");
      long sourceBytes = fetch(source, file);
      MediaTool.Input input = tool.open(file, MediaKind.AUDIO, source.field());
      MediaTool.Limits probeLimits =
          MediaTool.Limits.probe(PROBE_TIMEOUT, config.mediaToolMemoryBytes());
      MediaTool.MediaProbe probe = tool.probe(input, probeLimits);
      if (probe.audio() == null) {
        throw ApiException.invalidArgument(source.field(), "has no audio stream");
      }
      double duration = probe.durationSeconds();
      if (Double.isNaN(duration) || duration <= 0) {
        throw ApiException.invalidArgument(
            source.field(), "the recording's duration cannot be determined");
      }
      if (duration > config.voiceMaxSeconds()) {
        throw ApiException.invalidArgument(
            source.field(),
            "the recording is "
                + VideoAssets.clock(duration)
                + " long; the limit is "
                + VideoAssets.clock(config.voiceMaxSeconds()));
      }
      tool.requireDecodable(input, VideoAssets.DECODE_CHECK_SECONDS, probeLimits);
      quota.charge(uid, MediaAllowance.Budget.MEDIA);
      Path out = work.resolve("voice.ogg");
      // ~32 kb/s Opus: 16 KiB per second of the cap leaves four times the room it needs.
      long maxOutput = Math.max(8L << 20, config.voiceMaxSeconds() * 16L * 1024);
      tool.transcode(
          input,
          List.of(),
          List.of(
              new MediaTool.Output(
                  List.of(
                      "-vn",
                      "-map",
                      "0:a:0",
                      "-af",
                      LOUDNORM,
                      "-ac",
                      "1",
                      "-ar",
                      "48000",
                      "-c:a",
                      "libopus",
                      "-b:a",
                      Integer.toString(BITRATE),
                      "-vbr",
                      "constrained",
                      "-application",
                      "voip",
                      "-map_metadata",
                      "-1",
                      "-f",
                      "ogg"),
                  out.toString(),
                  true)),
          new MediaTool.Limits(
              ENCODE_TIMEOUT,
              config.mediaToolMemoryBytes(),
              maxOutput,
              0,
              config.voiceMaxSeconds()),
          work.path());
      String assetId = "voc_" + UUID.randomUUID().toString().replace("-", "");
      String prefix = AssetType.VOICE.prefix(assetId, true); // voice messages are private media
      String path = prefix + "voice.ogg";
      MediaStorage.Stored stored =
          storage.putFile(
              path,
              out,
              "audio/ogg",
              AssetType.VOICE.cache(),
              Map.of("owner", uid, "assetId", assetId, "variant", "opus"));
      Variant variant = Variant.of("opus", "opus", 0, 0, stored.bytes(), path, "audio/ogg");
      long durationMs = Math.round(duration * 1000);
      AssetDetails details =
          AssetDetails.voice(
              prefix,
              source instanceof MediaSource.Uploaded u ? u.path().value() : "inline",
              sourceBytes,
              probe.audio().codec(),
              probe.audio().channels(),
              durationMs);
      try {
        assets.saveReady(assetId, AssetType.VOICE, uid, details, null, List.of(variant), null);
      } catch (RuntimeException e) {
        storage.deleteQuietly(List.of(path));
        throw e;
      }
      SignedUrls.Signed url = storage.signed(path);
      return new VoiceMessage(
          assetId,
          AssetType.VOICE.wire(),
          AssetStatus.READY.wire(),
          url.url(),
          url.expiresAt().toString(),
          durationMs,
          stored.bytes(),
          "opus",
          1,
          BITRATE);
    }
  }

  private long fetch(MediaSource source, Path target) {
    try {
      switch (source) {
        case MediaSource.Inline inline -> Files.write(target, inline.bytes());
        case MediaSource.Uploaded uploaded -> {
          Blob blob = storage.upload(uploaded.path(), "path", config.voiceMaxBytes());
          storage.download(blob, target);
        }
      }
      return Files.size(target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

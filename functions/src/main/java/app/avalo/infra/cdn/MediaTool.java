package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Status;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs ffmpeg and ffprobe as child processes: one work directory per job, a timeout that kills
 * the process tree, stderr captured to a file (no pipe can fill up and stall the child) and its
 * tail turned into the failure reason. A missing binary is UNAVAILABLE with a clear message; a
 * missing encoder is FAILED_PRECONDITION. Nothing here ever fakes an output.
 */
public final class MediaTool {
  private static final int REASON_CHARS = 600;
  private static final AtomicLong RUN_IDS = new AtomicLong();

  private final String ffmpeg;
  private final String ffprobe;
  private volatile Set<String> encoders;

  public MediaTool(String ffmpeg, String ffprobe) {
    this.ffmpeg = ffmpeg;
    this.ffprobe = ffprobe;
  }

  /** A tool run that exited non-zero; {@link #reason()} is the tail of its stderr. */
  public static final class ToolFailure extends RuntimeException {
    private final String reason;

    ToolFailure(String tool, int exitCode, String reason) {
      super(tool + " exited with code " + exitCode + (reason.isEmpty() ? "" : ": " + reason));
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /** The encoders this ffmpeg build has (from {@code ffmpeg -encoders}); UNAVAILABLE without ffmpeg. */
  public Set<String> encoders() {
    Set<String> known = encoders;
    if (known == null) {
      try (WorkDir dir = WorkDir.create("ffmpeg-encoders")) {
        String listing = run(ffmpeg, List.of("-hide_banner", "-encoders"), Duration.ofSeconds(30), dir.path(), true);
        Set<String> names = new TreeSet<>();
        for (String line : listing.split("\n")) {
          String[] parts = line.trim().split("\\s+");
          // Lines look like " V....D libx264   libx264 H.264 ..." after a legend ending in "------".
          if (parts.length >= 2 && parts[0].length() == 6 && parts[0].matches("[VAS.][F.][S.][X.][B.][D.]")) {
            names.add(parts[1]);
          }
        }
        encoders = known = Set.copyOf(names);
      }
    }
    return known;
  }

  public boolean hasEncoder(String name) {
    return encoders().contains(name);
  }

  /** Fails with FAILED_PRECONDITION unless ffmpeg has {@code encoder}. */
  public void requireEncoder(String encoder, String purpose) {
    if (!hasEncoder(encoder)) {
      throw ApiException.failedPrecondition("this instance's ffmpeg has no " + encoder + " encoder, which " + purpose
          + " needs; install an ffmpeg build with it");
    }
  }

  /** Whether ffmpeg can be started at all (for optional uses such as AVIF). */
  public Optional<String> unavailableReason() {
    try {
      encoders();
      return Optional.empty();
    } catch (ApiException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Runs ffmpeg with {@code args} (quiet, no stdin); throws {@link ToolFailure} on a non-zero exit. */
  public void ffmpeg(List<String> args, Duration timeout, Path workDir) {
    List<String> all = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
    all.addAll(args);
    run(ffmpeg, all, timeout, workDir, false);
  }

  /** Probes a media file's container and streams. */
  public MediaProbe probe(Path file, Duration timeout) {
    String json = run(ffprobe, List.of("-v", "error", "-print_format", "json", "-show_format", "-show_streams",
        file.toAbsolutePath().toString()), timeout, file.getParent(), true);
    return MediaProbe.parse(JsonParser.parseString(json).getAsJsonObject());
  }

  private String run(String binary, List<String> args, Duration timeout, Path workDir, boolean captureStdout) {
    long id = RUN_IDS.incrementAndGet();
    Path stdout = workDir.resolve(".stdout-" + id);
    Path stderr = workDir.resolve(".stderr-" + id);
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
        .redirectOutput(captureStdout ? ProcessBuilder.Redirect.to(stdout.toFile()) : ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
    String tool = Path.of(binary).getFileName().toString();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw ApiException.unavailable(tool + " is not installed or cannot be started on this instance ("
          + binary + "); media processing needs ffmpeg/ffprobe (set FFMPEG_PATH/FFPROBE_PATH)");
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new ApiException(Status.DEADLINE_EXCEEDED, tool + " did not finish within " + timeout.toSeconds() + " s");
      }
      int exit = process.exitValue();
      if (exit != 0) {
        throw new ToolFailure(tool, exit, tail(stderr, workDir));
      }
      return captureStdout ? Files.readString(stdout, StandardCharsets.UTF_8) : "";
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + tool, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The end of stderr, single-spaced, with the private work directory path taken out. */
  private static String tail(Path stderr, Path workDir) throws IOException {
    if (!Files.exists(stderr)) {
      return "";
    }
    String text = Files.readString(stderr, StandardCharsets.UTF_8)
        .replace(workDir.toAbsolutePath() + "/", "")
        .replace(workDir.toAbsolutePath().toString(), ".")
        .replaceAll("\\s+", " ")
        .trim();
    return text.length() <= REASON_CHARS ? text : "…" + text.substring(text.length() - REASON_CHARS);
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /** What ffprobe says about a file: container and the first video and audio streams. */
  public record MediaProbe(
      String formatName,
      double durationSeconds,
      long sizeBytes,
      Video video,
      Audio audio) {

    /** A video stream; {@code width}/{@code height} are as displayed (rotation applied). */
    public record Video(String codec, int width, int height, int rotation, double fps) {}

    public record Audio(String codec, int channels, int sampleRate, long bitRate) {}

    static MediaProbe parse(JsonObject root) {
      JsonObject format = root.has("format") ? root.getAsJsonObject("format") : new JsonObject();
      Video video = null;
      Audio audio = null;
      JsonArray streams = root.has("streams") ? root.getAsJsonArray("streams") : new JsonArray();
      for (JsonElement e : streams) {
        JsonObject s = e.getAsJsonObject();
        String type = string(s, "codec_type");
        boolean attachedPicture = s.has("disposition")
            && integer(s.getAsJsonObject("disposition"), "attached_pic") == 1;
        if ("video".equals(type) && video == null && !attachedPicture) {
          int rotation = rotation(s);
          int w = (int) integer(s, "width");
          int h = (int) integer(s, "height");
          boolean swap = Math.abs(rotation) % 180 == 90;
          video = new Video(string(s, "codec_name"), swap ? h : w, swap ? w : h, rotation, rate(string(s, "avg_frame_rate")));
        } else if ("audio".equals(type) && audio == null) {
          audio = new Audio(string(s, "codec_name"), (int) integer(s, "channels"),
              (int) integer(s, "sample_rate"), integer(s, "bit_rate"));
        }
      }
      return new MediaProbe(string(format, "format_name"), decimal(format, "duration"), integer(format, "size"),
          video, audio);
    }

    private static int rotation(JsonObject stream) {
      if (stream.has("side_data_list")) {
        for (JsonElement d : stream.getAsJsonArray("side_data_list")) {
          JsonObject side = d.getAsJsonObject();
          if (side.has("rotation")) {
            return (int) Math.round(decimal(side, "rotation"));
          }
        }
      }
      if (stream.has("tags") && stream.getAsJsonObject("tags").has("rotate")) {
        return (int) Math.round(decimal(stream.getAsJsonObject("tags"), "rotate"));
      }
      return 0;
    }

    private static String string(JsonObject o, String name) {
      return o.has(name) && o.get(name).isJsonPrimitive() ? o.get(name).getAsString() : null;
    }

    private static long integer(JsonObject o, String name) {
      double d = decimal(o, name);
      return Double.isNaN(d) ? 0 : (long) d;
    }

    private static double decimal(JsonObject o, String name) {
      String s = string(o, name);
      if (s == null) {
        return Double.NaN;
      }
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }

    private static double rate(String fraction) {
      if (fraction == null || !fraction.contains("/")) {
        return 0;
      }
      String[] parts = fraction.split("/");
      try {
        double den = Double.parseDouble(parts[1]);
        return den == 0 ? 0 : Double.parseDouble(parts[0]) / den;
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }
}

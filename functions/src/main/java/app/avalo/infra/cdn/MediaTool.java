package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Status;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The one place that builds and runs ffmpeg/ffprobe commands. User bytes are hostile, so every run
 * is sandboxed the same way:
 *
 * <ul>
 *   <li>the container is recognised from the file's first bytes ({@link MediaContainer}) and must
 *       be on the media kind's list; its demuxer is pinned with {@code -f} and the kind's list is
 *       also given as {@code -format_whitelist}, so no playlist, concat script, image sequence or
 *       other container ever opens — and {@code -protocol_whitelist file} plus a {@code file:} URL
 *       keep the input to the one local file;
 *   <li>reading is capped with {@code -t} (the allowed duration), each single-file output with
 *       {@code -fs}, threads with {@code -threads}; the probe reads every packet and the declared
 *       duration must match the packets' timeline (a patched {@code mvhd}/{@code mdhd} is refused);
 *   <li>the child runs under {@code prlimit} (address space, CPU seconds, file size, open files, no
 *       core dumps) with an environment holding only {@code PATH}, so no secret of ours reaches it;
 *       a wall-clock timeout and an optional output-directory budget kill it;
 *   <li>stdout and stderr are pipes drained concurrently; only a bounded stdout and the last
 *       {@value #STDERR_TAIL_BYTES} bytes of stderr are kept, and that tail goes to the log only.
 * </ul>
 *
 * <p>Error policy: a user's file that is refused or undecodable is INVALID_ARGUMENT naming the
 * field, with a plain reason and no path or tool output; a file that breaks the resource limits is
 * also the caller's (INVALID_ARGUMENT); our own failures (a tool that cannot start, a crash after
 * the input was accepted) are INTERNAL with a generic message and the details in the log. A missing
 * binary is UNAVAILABLE, a missing encoder FAILED_PRECONDITION. Nothing here ever fakes an output.
 */
public final class MediaTool {
  static final int STDERR_TAIL_BYTES = 4096;

  /** ffprobe's JSON for a file with at most {@link #MAX_STREAMS} streams is far below this. */
  private static final int MAX_STDOUT_BYTES = 1024 * 1024;

  private static final int MAX_STREAMS = 32;

  /** ffmpeg's exit code when {@code -max_error_rate} of decoded frames failed. */
  private static final int EXIT_DECODE_ERRORS = 69;

  private static final String MAX_ERROR_RATE = "0.25";

  /** More than this many video packets per second of timeline is not a real video. */
  private static final int MAX_VIDEO_PACKETS_PER_SECOND = 240;

  private static final int MAX_AUDIO_PACKETS_PER_SECOND = 1000;
  private static final long MIB = 1024L * 1024;

  private final String ffmpeg;
  private final String ffprobe;
  private final Sandbox sandbox;
  private volatile Set<String> encoders;

  /**
   * How children are confined: the {@code prlimit} binary, the thread count given to decoders,
   * filters and encoders, and the directory every job's private work directory is made in.
   */
  public record Sandbox(String prlimit, int threads, Path workRoot) {}

  /**
   * Limits of one run: wall-clock timeout, address space, the size of any one file it may write,
   * the total bytes its work directory may grow to (0 = unchecked) and the media seconds it may
   * read and write.
   */
  public record Limits(
      Duration timeout,
      long memoryBytes,
      long maxFileBytes,
      long maxOutputBytes,
      double maxSeconds) {
    Limits withMaxSeconds(double seconds) {
      return new Limits(
          timeout, memoryBytes, maxFileBytes, maxOutputBytes, Math.min(maxSeconds, seconds));
    }

    Limits withTimeout(Duration t) {
      return new Limits(t, memoryBytes, maxFileBytes, maxOutputBytes, maxSeconds);
    }

    /**
     * RLIMIT_FSIZE: above {@code -fs}, which stops a writer only after the packet that crossed it
     * (and then writes a trailer), so only a writer without {@code -fs} meets the kernel's limit.
     */
    long fileSizeRlimit() {
      return maxFileBytes + maxFileBytes / 8 + MIB;
    }

    /** CPU seconds for RLIMIT_CPU: every thread busy for the whole timeout, plus start-up. */
    long cpuSeconds(int threads) {
      return timeout.toSeconds() * Math.max(1, threads) + 5;
    }

    /** For probes and decode checks: nothing written; every packet may be read. */
    static Limits probe(Duration timeout, long memoryBytes) {
      return new Limits(timeout, memoryBytes, MIB, 0, 24 * 3600);
    }
  }

  public MediaTool(String ffmpeg, String ffprobe, Sandbox sandbox) {
    this.ffmpeg = ffmpeg;
    this.ffprobe = ffprobe;
    this.sandbox = sandbox;
  }

  /** A user's file whose container is on its kind's list; the only thing the tools will open. */
  public record Input(Path file, MediaKind kind, MediaContainer container, String field) {
    String url() {
      return "file:" + file.toAbsolutePath();
    }
  }

  /** One output of an ffmpeg run: its options and target; {@code singleFile} adds {@code -fs}. */
  public record Output(List<String> options, String target, boolean singleFile) {}

  /** Why a run failed, for the error policy; the stderr tail is for the log only. */
  enum FailureKind {
    /** A non-zero exit the input may or may not have caused. */
    EXIT,
    /** ffmpeg counted too many frames it could not decode. */
    UNDECODABLE,
    /** The child hit a resource limit (CPU, file size, memory, output budget). */
    LIMIT,
    /** The child could not even run (loader failure, exec failure): ours. */
    CANNOT_RUN
  }

  /** A tool run that did not succeed; never shown to callers (see {@link #refusal}). */
  public static final class ToolFailure extends RuntimeException {
    private final FailureKind kind;
    private final int exitCode;
    private final String stderrTail;

    ToolFailure(String tool, FailureKind kind, int exitCode, String stderrTail) {
      super(tool + " failed (" + kind.name().toLowerCase(Locale.ROOT) + ", exit " + exitCode + ")");
      this.kind = kind;
      this.exitCode = exitCode;
      this.stderrTail = stderrTail;
    }

    FailureKind kind() {
      return kind;
    }

    int exitCode() {
      return exitCode;
    }

    String stderrTail() {
      return stderrTail;
    }
  }

  /** A private work directory for one job, under the configured root. */
  WorkDir workDir(String purpose) {
    return WorkDir.create(sandbox.workRoot(), purpose);
  }

  // ---- opening and probing user files ---------------------------------------------------------

  /**
   * Accepts {@code file} as {@code kind} only if its first bytes announce a container on the kind's
   * list. Playlists (HLS, concat, SDP, …), images, text and every other container are refused here,
   * before any tool sees the file.
   */
  public Input open(Path file, MediaKind kind, String field) {
    byte[] head = new byte[MediaContainer.HEAD_BYTES];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read a media work file", e);
    }
    Optional<MediaContainer> container = MediaContainer.sniff(Arrays.copyOf(head, n));
    if (container.isEmpty() || !kind.accepts(container.get())) {
      throw ApiException.invalidArgument(
          field,
          "is not a supported "
              + kind.noun()
              + " file (accepted containers: "
              + kind.described()
              + ")");
    }
    return new Input(file, kind, container.get(), field);
  }

  /**
   * Probes the container and streams, then reads every packet's timestamps: the duration the file
   * declares must match what its packets span, and the packet rate must be plausible. The returned
   * duration is the longer of the two. Any failure is the file's: INVALID_ARGUMENT.
   */
  public MediaProbe probe(Input input, Limits limits) {
    String json;
    try {
      json =
          run(
              ffprobe,
              probeArgs(input, List.of("-print_format", "json", "-show_format", "-show_streams")),
              limits,
              input.file().getParent(),
              null);
    } catch (ToolFailure e) {
      throw refusal(e, input, "is not a readable " + input.kind().noun() + " file");
    }
    MediaProbe probe;
    try {
      probe = MediaProbe.parse(JsonParser.parseString(json).getAsJsonObject());
    } catch (JsonParseException | IllegalStateException e) {
      Log.warn("ffprobe output was not JSON", Map.of("field", input.field()));
      throw ApiException.invalidArgument(
          input.field(), "is not a readable " + input.kind().noun() + " file");
    }
    if (!input.container().formatName().equals(probe.formatName())) {
      // Cannot happen with -f pinned, unless the tool ignored it: refuse rather than trust it.
      Log.warn(
          "ffprobe reported another container than the pinned one",
          Map.of(
              "pinned",
              input.container().demuxer(),
              "reported",
              String.valueOf(probe.formatName())));
      throw ApiException.invalidArgument(
          input.field(), "is not a supported " + input.kind().noun() + " file");
    }
    PacketTimeline timeline = new PacketTimeline(probe);
    try {
      run(
          ffprobe,
          probeArgs(
              input,
              List.of(
                  "-show_entries",
                  "packet=stream_index,pts_time,dts_time,duration_time",
                  "-of",
                  "csv=p=0")),
          limits,
          input.file().getParent(),
          timeline);
    } catch (ToolFailure e) {
      throw refusal(e, input, "is not a readable " + input.kind().noun() + " file");
    }
    return timeline.check(probe, input);
  }

  private List<String> probeArgs(Input input, List<String> show) {
    List<String> args = new ArrayList<>(List.of("-hide_banner", "-v", "error"));
    args.addAll(inputOptions(input.kind().formatWhitelist(), input.container()));
    args.addAll(show);
    args.add(input.url());
    return args;
  }

  /** The demuxer fence shared by every command that opens a user's file. */
  private static List<String> inputOptions(String whitelist, MediaContainer container) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-protocol_whitelist",
                "file",
                "-format_whitelist",
                whitelist,
                "-max_streams",
                Integer.toString(MAX_STREAMS),
                "-f",
                container.demuxer()));
    if (container == MediaContainer.MOV) {
      // Data references would open other files named inside the MP4; off by default, and stays off.
      args.addAll(List.of("-enable_drefs", "0"));
    }
    return args;
  }

  /** Counts each stream's packets and the span of its timestamps while ffprobe lists them. */
  private static final class PacketTimeline implements Consumer<String> {
    private final Map<Integer, long[]> counts = new HashMap<>();
    private final Map<Integer, double[]> spans = new HashMap<>();
    private final int videoIndex;
    private final int audioIndex;

    PacketTimeline(MediaProbe probe) {
      this.videoIndex = probe.video() == null ? -1 : probe.video().index();
      this.audioIndex = probe.audio() == null ? -1 : probe.audio().index();
    }

    @Override
    public void accept(String line) {
      String[] f = line.split(",", -1);
      if (f.length < 4) {
        return;
      }
      int index;
      try {
        index = Integer.parseInt(f[0].trim());
      } catch (NumberFormatException e) {
        return;
      }
      double pts = number(f[1]);
      double at = Double.isNaN(pts) ? number(f[2]) : pts;
      double length = number(f[3]);
      counts.computeIfAbsent(index, i -> new long[1])[0]++;
      if (!Double.isNaN(at)) {
        double end = at + (Double.isNaN(length) ? 0 : Math.max(0, length));
        double[] span = spans.computeIfAbsent(index, i -> new double[] {at, end});
        span[0] = Math.min(span[0], at);
        span[1] = Math.max(span[1], end);
      }
    }

    long packets(int index) {
      long[] c = counts.get(index);
      return c == null ? 0 : c[0];
    }

    double seconds(int index) {
      double[] s = spans.get(index);
      return s == null ? 0 : s[1] - s[0];
    }

    MediaProbe check(MediaProbe probe, Input input) {
      double measured =
          Math.max(
              videoIndex < 0 ? 0 : seconds(videoIndex), audioIndex < 0 ? 0 : seconds(audioIndex));
      double declared = probe.durationSeconds();
      String field = input.field();
      String noun = input.kind().noun();
      if (!Double.isNaN(declared) && measured > declared * 1.1 + 1) {
        throw ApiException.invalidArgument(
            field,
            "the "
                + noun
                + " declares a duration of "
                + VideoAssets.clock(declared)
                + " but its content runs "
                + VideoAssets.clock(measured)
                + " (a mismatched or tampered header)");
      }
      if (input.container().declaresDuration()
          && !Double.isNaN(declared)
          && measured < declared * 0.9 - 1) {
        throw ApiException.invalidArgument(
            field,
            "the "
                + noun
                + " is truncated or damaged: it declares "
                + VideoAssets.clock(declared)
                + " but its content ends after "
                + VideoAssets.clock(measured));
      }
      double duration = Double.isNaN(declared) ? measured : Math.max(declared, measured);
      if (videoIndex >= 0 && packets(videoIndex) > MAX_VIDEO_PACKETS_PER_SECOND * (duration + 1)) {
        throw ApiException.invalidArgument(
            field,
            "the video has "
                + packets(videoIndex)
                + " frames in "
                + VideoAssets.clock(duration)
                + ", more than "
                + MAX_VIDEO_PACKETS_PER_SECOND
                + " per second");
      }
      if (audioIndex >= 0 && packets(audioIndex) > MAX_AUDIO_PACKETS_PER_SECOND * (duration + 1)) {
        throw ApiException.invalidArgument(
            field,
            "the audio has an implausible packet count ("
                + packets(audioIndex)
                + " in "
                + VideoAssets.clock(duration)
                + ")");
      }
      if ((videoIndex >= 0 && packets(videoIndex) == 0)
          || (videoIndex < 0 && audioIndex >= 0 && packets(audioIndex) == 0)) {
        throw ApiException.invalidArgument(field, "the " + noun + " stream has no data");
      }
      return probe.withDuration(
          duration,
          measured,
          videoIndex < 0 ? 0 : packets(videoIndex),
          audioIndex < 0 ? 0 : packets(audioIndex));
    }

    private static double number(String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
  }

  // ---- transcoding ----------------------------------------------------------------------------

  /**
   * Runs ffmpeg on a user's {@code input} with {@code inputOptions} (e.g. {@code -ss}) and the
   * outputs. Reading and every output are capped at {@code limits.maxSeconds()}; failures follow
   * the error policy (see the class comment).
   */
  public void transcode(
      Input input, List<String> inputOptions, List<Output> outputs, Limits limits, Path workDir) {
    transcode(input, inputOptions, outputs, limits, workDir, null);
  }

  /**
   * {@link #transcode} that also reports progress: ffmpeg writes {@code -progress} key=value lines
   * to its stdout pipe, which is drained line by line (each line cut at 256 characters) into {@code
   * progressLines}; stderr stays the bounded tail.
   */
  public void transcode(
      Input input,
      List<String> inputOptions,
      List<Output> outputs,
      Limits limits,
      Path workDir,
      Consumer<String> progressLines) {
    List<String> args = new ArrayList<>(globalOptions());
    if (progressLines != null) {
      args.addAll(List.of("-nostats", "-progress", "pipe:1"));
    }
    args.addAll(List.of("-threads", Integer.toString(sandbox.threads())));
    args.addAll(inputOptions(input.kind().formatWhitelist(), input.container()));
    args.addAll(inputOptions);
    args.addAll(List.of("-t", seconds(limits.maxSeconds()), "-i", input.url()));
    addOutputs(args, outputs, limits);
    try {
      run(ffmpeg, args, limits, workDir, progressLines);
    } catch (ToolFailure e) {
      throw switch (e.kind()) {
        case UNDECODABLE, LIMIT -> refusal(e, input, "could not be decoded within the limits");
        case CANNOT_RUN -> internal(e, input.kind().noun() + " processing failed");
        // Whose fault? Decode the input alone: if that fails too, it is the file's.
        case EXIT ->
            decodes(input, limits, workDir)
                ? internal(e, input.kind().noun() + " processing failed")
                : refusal(e, input, "could not be decoded");
      };
    }
  }

  /**
   * Refuses a file whose first {@code seconds} do not decode (a valid index over garbage frames
   * probes fine): callers check this before they write anything.
   */
  public void requireDecodable(Input input, double seconds, Limits limits) {
    if (!decodes(input, limits.withMaxSeconds(seconds), input.file().getParent())) {
      throw refusal(
          input, "could not be decoded", Map.of("failure", "first seconds do not decode"));
    }
  }

  /** Whether the input's main stream decodes on its own, to nothing ({@code -f null}). */
  private boolean decodes(Input input, Limits limits, Path workDir) {
    List<String> args = new ArrayList<>(globalOptions());
    args.addAll(List.of("-threads", Integer.toString(sandbox.threads())));
    args.addAll(inputOptions(input.kind().formatWhitelist(), input.container()));
    args.addAll(
        List.of(
            "-t",
            seconds(limits.maxSeconds()),
            "-i",
            input.url(),
            "-map",
            input.kind() == MediaKind.VIDEO ? "0:v:0" : "0:a:0",
            "-f",
            "null",
            "-"));
    try {
      run(ffmpeg, args, limits, workDir, null);
      return true;
    } catch (ToolFailure e) {
      return false;
    }
  }

  /**
   * Encodes raw RGB pixels that <em>we</em> produced (not user bytes) — the AVIF path. The input is
   * still fenced to the {@code rawvideo} demuxer and the file protocol.
   */
  public void encodeRaw(
      Path raw, int width, int height, List<Output> outputs, Limits limits, Path workDir) {
    List<String> args = new ArrayList<>(globalOptions());
    args.addAll(
        List.of(
            "-threads",
            Integer.toString(sandbox.threads()),
            "-protocol_whitelist",
            "file",
            "-format_whitelist",
            "rawvideo",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-video_size",
            width + "x" + height,
            "-i",
            "file:" + raw.toAbsolutePath()));
    addOutputs(args, outputs, limits);
    try {
      run(ffmpeg, args, limits, workDir, null);
    } catch (ToolFailure e) {
      throw internal(e, "image encoding failed");
    }
  }

  private List<String> globalOptions() {
    return List.of(
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-max_error_rate",
        MAX_ERROR_RATE,
        "-filter_complex_threads",
        Integer.toString(sandbox.threads()));
  }

  private void addOutputs(List<String> args, List<Output> outputs, Limits limits) {
    for (Output out : outputs) {
      args.addAll(List.of("-threads", Integer.toString(sandbox.threads())));
      args.addAll(out.options());
      args.addAll(List.of("-t", seconds(limits.maxSeconds())));
      if (out.singleFile()) {
        args.addAll(List.of("-fs", Long.toString(limits.maxFileBytes())));
      }
      args.add(out.target());
    }
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.3f", s);
  }

  /** The user's file is at fault: a plain reason for them, the tool's words for the log. */
  private static ApiException refusal(ToolFailure e, Input input, String why) {
    return refusal(
        input,
        why,
        Map.of("failure", e.kind().name(), "exitCode", e.exitCode(), "stderr", e.stderrTail()));
  }

  /** The fields every refusal's log line starts with. */
  record RefusalLog(String field, String kind, String container) {}

  /** One log line per refusal: which field, kind and container, plus what went wrong. */
  private static ApiException refusal(Input input, String why, Map<String, Object> failure) {
    Map<String, Object> fields =
        Json.toPlainMap(
            new RefusalLog(input.field(), input.kind().noun(), input.container().demuxer()));
    fields.putAll(failure);
    Log.warn("media tool refused a user's file", fields);
    return ApiException.invalidArgument(input.field(), why);
  }

  /** Our failure: INTERNAL with a generic message; the details go to the log. */
  private static ApiException internal(ToolFailure e, String what) {
    Log.error(
        "media tool failed",
        Map.of("failure", e.kind().name(), "exitCode", e.exitCode(), "stderr", e.stderrTail()),
        e);
    return ApiException.internal(what);
  }

  // ---- encoders -------------------------------------------------------------------------------

  /**
   * The encoders this ffmpeg build has (from {@code ffmpeg -encoders}); UNAVAILABLE without ffmpeg.
   */
  public Set<String> encoders() {
    Set<String> known = encoders;
    if (known == null) {
      try (WorkDir dir = workDir("ffmpeg-encoders")) {
        String listing;
        try {
          listing =
              run(
                  ffmpeg,
                  List.of("-hide_banner", "-encoders"),
                  new Limits(Duration.ofSeconds(30), 1024 * MIB, MIB, 0, 0),
                  dir.path(),
                  null);
        } catch (ToolFailure e) {
          throw internal(e, "ffmpeg could not list its encoders");
        }
        Set<String> names = new TreeSet<>();
        for (String line : listing.split("\n")) {
          String[] parts = line.trim().split("\\s+");
          // Lines look like " V....D libx264   libx264 H.264 ..." after a legend ending in
          // "------".
          if (parts.length >= 2
              && parts[0].length() == 6
              && parts[0].matches("[VAS.][F.][S.][X.][B.][D.]")) {
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
      throw ApiException.failedPrecondition(
          "this instance's ffmpeg has no "
              + encoder
              + " encoder, which "
              + purpose
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

  // ---- the child process ----------------------------------------------------------------------

  /**
   * The command line that runs {@code binary} confined: prlimit sets the limits on itself and then
   * executes the tool, which inherits them.
   */
  List<String> command(String binary, List<String> args, Limits limits) {
    List<String> command =
        new ArrayList<>(
            List.of(
                resolve(sandbox.prlimit(), "prlimit"),
                "--as=" + limits.memoryBytes(),
                // soft:hard — SIGXCPU at the soft limit, SIGKILL 5 s later if it ignores that.
                "--cpu="
                    + limits.cpuSeconds(sandbox.threads())
                    + ":"
                    + (limits.cpuSeconds(sandbox.threads()) + 5),
                "--fsize=" + limits.fileSizeRlimit(),
                "--nofile=64",
                "--core=0",
                "--"));
    command.add(resolve(binary, Path.of(binary).getFileName().toString()));
    command.addAll(args);
    return command;
  }

  /**
   * Runs the tool and returns its stdout (bounded), or feeds stdout line by line to {@code lines}
   * and returns "". Throws {@link ToolFailure} on failure, DEADLINE_EXCEEDED on timeout.
   */
  private String run(
      String binary, List<String> args, Limits limits, Path workDir, Consumer<String> lines) {
    List<String> command = command(binary, args, limits);
    String tool = Path.of(binary).getFileName().toString();
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = builder.environment();
    String path = env.getOrDefault("PATH", "/usr/bin:/bin");
    env.clear(); // no credential or config of ours is the child's business
    env.putAll(Map.of("PATH", path, "LC_ALL", "C"));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw ApiException.unavailable(
          "prlimit could not be started on this instance; media tools only run under "
              + "resource limits (install util-linux or set MEDIA_PRLIMIT_PATH)");
    }
    StderrTail stderr = new StderrTail(process.getErrorStream());
    StdoutSink stdout = new StdoutSink(process.getInputStream(), lines);
    Thread errThread = Thread.ofVirtual().start(stderr);
    Thread outThread = Thread.ofVirtual().start(stdout);
    long deadline = System.nanoTime() + limits.timeout().toNanos();
    try {
      while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() > deadline) {
          kill(process);
          throw new ApiException(
              Status.DEADLINE_EXCEEDED,
              tool + " did not finish within " + limits.timeout().toSeconds() + " s");
        }
        if (limits.maxOutputBytes() > 0 && bytesUnder(workDir) > limits.maxOutputBytes()) {
          kill(process);
          join(errThread, outThread);
          throw new ToolFailure(
              tool,
              FailureKind.LIMIT,
              -1,
              "output budget of " + limits.maxOutputBytes() + " bytes exceeded; " + stderr.text());
        }
      }
      join(errThread, outThread);
      int exit = process.exitValue();
      if (exit != 0) {
        throw new ToolFailure(tool, classify(exit, stderr.text()), exit, stderr.text());
      }
      if (stdout.overflowed()) {
        throw new ToolFailure(
            tool, FailureKind.LIMIT, 0, "stdout exceeded " + MAX_STDOUT_BYTES + " bytes");
      }
      return stdout.text();
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + tool, e);
    }
  }

  private static FailureKind classify(int exit, String stderr) {
    if (exit == EXIT_DECODE_ERRORS) {
      return FailureKind.UNDECODABLE;
    }
    // 128 + SIGKILL/SIGXCPU/SIGXFSZ: the CPU or file-size limit (or the kernel's OOM killer).
    if (exit == 137 || exit == 152 || exit == 153) {
      return FailureKind.LIMIT;
    }
    if (exit == 126 || exit == 127) {
      return FailureKind.CANNOT_RUN;
    }
    // An allocation refused under RLIMIT_AS surfaces as ffmpeg's ENOMEM message.
    if (stderr.contains("Cannot allocate memory") || stderr.contains("malloc of size")) {
      return FailureKind.LIMIT;
    }
    return FailureKind.EXIT;
  }

  /** Kills the child and everything it started, and waits until they are gone. */
  private static void kill(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      for (ProcessHandle p : tree) {
        p.onExit().get(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      Log.error("a media tool's child process did not exit after SIGKILL", Map.of(), e);
    }
  }

  private static void join(Thread... threads) throws InterruptedException {
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(10));
    }
  }

  private static long bytesUnder(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // a file vanished mid-walk; the next poll counts again
    }
  }

  /** An executable by absolute path, or looked up on PATH; UNAVAILABLE when it is not there. */
  private static String resolve(String binary, String name) {
    if (binary.contains("/")) {
      if (Files.isExecutable(Path.of(binary))) {
        return binary;
      }
    } else {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
          return Path.of(dir, binary).toString();
        }
      }
    }
    if (name.equals("prlimit")) {
      throw ApiException.unavailable(
          "prlimit (util-linux) is not installed on this instance ("
              + binary
              + "); media tools only run under resource limits, so media processing is off (set"
              + " MEDIA_PRLIMIT_PATH)");
    }
    throw ApiException.unavailable(
        name
            + " is not installed or cannot be started on this instance ("
            + binary
            + "); media processing needs ffmpeg/ffprobe (set FFMPEG_PATH/FFPROBE_PATH)");
  }

  /** Keeps the last {@value #STDERR_TAIL_BYTES} bytes of a stream, draining all of it. */
  private static final class StderrTail implements Runnable {
    private final InputStream in;
    private final byte[] ring = new byte[STDERR_TAIL_BYTES];
    private long total;

    StderrTail(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          synchronized (this) {
            for (int i = 0; i < n; i++) {
              ring[(int) (total++ % ring.length)] = buffer[i];
            }
          }
        }
      } catch (IOException e) {
        // the child is gone; what was read is the tail
      }
    }

    synchronized String text() {
      int size = (int) Math.min(total, ring.length);
      byte[] out = new byte[size];
      long start = total - size;
      for (int i = 0; i < size; i++) {
        out[i] = ring[(int) ((start + i) % ring.length)];
      }
      return new String(out, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
    }
  }

  /** Drains stdout: into a bounded buffer, or line by line to a consumer. */
  private static final class StdoutSink implements Runnable {
    private final InputStream in;
    private final Consumer<String> lines;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private volatile boolean overflowed;

    StdoutSink(InputStream in, Consumer<String> lines) {
      this.in = in;
      this.lines = lines;
    }

    @Override
    public void run() {
      try (in) {
        if (lines != null) {
          BufferedReader reader =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
          String line;
          while ((line = reader.readLine()) != null) {
            lines.accept(line.length() > 256 ? line.substring(0, 256) : line);
          }
          return;
        }
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) > 0) {
          if (buffer.size() + n <= MAX_STDOUT_BYTES) {
            buffer.write(chunk, 0, n);
          } else {
            overflowed = true; // keep draining so the child never blocks on a full pipe
          }
        }
      } catch (IOException e) {
        // the child is gone
      }
    }

    boolean overflowed() {
      return overflowed;
    }

    String text() {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }

  /** What ffprobe says about a file: container and the first video and audio streams. */
  public record MediaProbe(
      String formatName,
      double durationSeconds,
      long sizeBytes,
      Video video,
      Audio audio,
      double measuredSeconds,
      long videoPackets,
      long audioPackets) {

    /** A video stream; {@code width}/{@code height} are as displayed (rotation applied). */
    public record Video(int index, String codec, int width, int height, int rotation, double fps) {}

    public record Audio(int index, String codec, int channels, int sampleRate, long bitRate) {}

    MediaProbe withDuration(double duration, double measured, long video, long audio) {
      return new MediaProbe(
          formatName, duration, sizeBytes, this.video, this.audio, measured, video, audio);
    }

    static MediaProbe parse(JsonObject root) {
      JsonObject format = root.has("format") ? root.getAsJsonObject("format") : new JsonObject();
      Video video = null;
      Audio audio = null;
      JsonArray streams = root.has("streams") ? root.getAsJsonArray("streams") : new JsonArray();
      for (JsonElement e : streams) {
        JsonObject s = e.getAsJsonObject();
        String type = string(s, "codec_type");
        int index = (int) integer(s, "index");
        boolean attachedPicture =
            s.has("disposition") && integer(s.getAsJsonObject("disposition"), "attached_pic") == 1;
        if ("video".equals(type) && video == null && !attachedPicture) {
          int rotation = rotation(s);
          int w = (int) integer(s, "width");
          int h = (int) integer(s, "height");
          boolean swap = Math.abs(rotation) % 180 == 90;
          video =
              new Video(
                  index,
                  string(s, "codec_name"),
                  swap ? h : w,
                  swap ? w : h,
                  rotation,
                  rate(string(s, "avg_frame_rate")));
        } else if ("audio".equals(type) && audio == null) {
          audio =
              new Audio(
                  index,
                  string(s, "codec_name"),
                  (int) integer(s, "channels"),
                  (int) integer(s, "sample_rate"),
                  integer(s, "bit_rate"));
        }
      }
      return new MediaProbe(
          string(format, "format_name"),
          decimal(format, "duration"),
          integer(format, "size"),
          video,
          audio,
          Double.NaN,
          0,
          0);
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

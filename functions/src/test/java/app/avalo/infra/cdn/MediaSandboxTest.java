package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox itself, with the real ffmpeg/ffprobe and prlimit (and small shell scripts standing in
 * for a tool where the test needs to see what the child sees): the demuxer fence, the resource
 * limits, the child's environment, bounded and concurrently drained output, timeouts.
 */
class MediaSandboxTest {
  private static final long MIB = 1024L * 1024;
  @TempDir Path tmp;

  private MediaTool tool() {
    return new MediaTool(
        "ffmpeg", "ffprobe", new MediaTool.Sandbox("prlimit", 2, tmp.resolve("work")));
  }

  private static MediaTool.Limits limits(long maxFileBytes) {
    return new MediaTool.Limits(Duration.ofSeconds(60), 1024 * MIB, maxFileBytes, 0, 60);
  }

  @Test
  void containersAreRecognisedFromTheirFirstBytesOnly() {
    Map<String, Optional<MediaContainer>> table =
        Map.of(
            "\0\0\0\u0018ftypisom", Optional.of(MediaContainer.MOV),
            "\u001aE\u00df\u00a3\u0001", Optional.of(MediaContainer.MATROSKA),
            "OggS\0", Optional.of(MediaContainer.OGG),
            "RIFF\0\0\0\0WAVEfmt ", Optional.of(MediaContainer.WAV),
            "RIFF\0\0\0\0AVI LIST", Optional.empty(),
            "#EXTM3U\n", Optional.empty(),
            "ffconcat version 1.0\n", Optional.empty(),
            "fLaC\0", Optional.of(MediaContainer.FLAC),
            "ID3\u0004\0", Optional.of(MediaContainer.MP3),
            "\u0089PNG\r\n\u001a\n", Optional.empty());
    table.forEach(
        (head, expected) ->
            assertEquals(
                expected, MediaContainer.sniff(head.getBytes(StandardCharsets.ISO_8859_1)), head));
    assertEquals(
        Optional.of(MediaContainer.MP3),
        MediaContainer.sniff(new byte[] {(byte) 0xFF, (byte) 0xFB, 0x50}));
    assertEquals(
        Optional.of(MediaContainer.AAC),
        MediaContainer.sniff(new byte[] {(byte) 0xFF, (byte) 0xF1, 0x50}));
  }

  @Test
  void ffmpegItselfRefusesADemuxerOffTheKindsListEvenWhenPinned() {
    Path ogg =
        MediaFixtures.ffmpeg(
            tmp, "tone.ogg", "-f", "lavfi", "-i", "sine=duration=2", "-c:a", "libvorbis");
    MediaTool tool = tool();
    MediaTool.Limits probe = MediaTool.Limits.probe(Duration.ofSeconds(30), 1024 * MIB);
    // The same file, pinned to ogg both times: accepted as audio, refused by -format_whitelist as
    // video.
    assertEquals(
        "ogg",
        tool.probe(new MediaTool.Input(ogg, MediaKind.AUDIO, MediaContainer.OGG, "data"), probe)
            .formatName());
    ApiException refused =
        assertThrows(
            ApiException.class,
            () ->
                tool.probe(
                    new MediaTool.Input(ogg, MediaKind.VIDEO, MediaContainer.OGG, "path"), probe));
    assertEquals(Status.INVALID_ARGUMENT, refused.status());
    assertEquals("path: is not a readable video file", refused.getMessage());
  }

  @Test
  void singleFileOutputsStopAtTheirSizeCapAndTheFileSizeRlimitStopsTheRest() throws IOException {
    Path wav =
        MediaFixtures.ffmpeg(
            tmp, "minute.wav", "-f", "lavfi", "-i", "sine=duration=60:sample_rate=48000");
    MediaTool tool = tool();
    MediaTool.Input input = tool.open(wav, MediaKind.AUDIO, "data");
    Path capped = tmp.resolve("capped.wav");

    tool.transcode(
        input,
        List.of(),
        List.of(new MediaTool.Output(List.of("-c:a", "pcm_s16le"), capped.toString(), true)),
        limits(200_000),
        tmp);
    assertTrue(
        Files.size(capped) <= 200_000 + 4096,
        "-fs stops the writer near the cap: " + Files.size(capped));

    // Without -fs (as for the HLS muxer's many files) RLIMIT_FSIZE kills the child at the cap.
    Path uncapped = tmp.resolve("uncapped.wav");
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                tool.transcode(
                    input,
                    List.of(),
                    List.of(
                        new MediaTool.Output(
                            List.of("-c:a", "pcm_s16le"), uncapped.toString(), false)),
                    limits(200_000),
                    tmp));
    assertEquals(Status.INVALID_ARGUMENT, e.status());
    assertEquals("data: could not be decoded within the limits", e.getMessage());
    assertEquals(
        limits(200_000).fileSizeRlimit(),
        Files.size(uncapped),
        "the kernel stopped the write at RLIMIT_FSIZE");
    assertTrue(
        Files.size(wav) > 2 * Files.size(uncapped), "the whole output would have been larger");
  }

  @Test
  void readingIsCappedAtTheAllowedDuration() {
    Path wav = MediaFixtures.ffmpeg(tmp, "long.wav", "-f", "lavfi", "-i", "sine=duration=20");
    MediaTool tool = tool();
    Path out = tmp.resolve("short.ogg");
    tool.transcode(
        tool.open(wav, MediaKind.AUDIO, "data"),
        List.of(),
        List.of(
            new MediaTool.Output(List.of("-c:a", "libopus", "-f", "ogg"), out.toString(), true)),
        new MediaTool.Limits(Duration.ofSeconds(60), 1024 * MIB, 16 * MIB, 0, 3),
        tmp);
    String duration =
        MediaFixtures.run(
                tmp,
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
                out.toString())
            .trim();
    assertEquals(3.0, Double.parseDouble(duration), 0.1, "-t 3 on input and output");
  }

  @Test
  void anAddressSpaceTooSmallForTheToolIsOurFailureAndSaysNothingOfTheTool() {
    Path wav = MediaFixtures.ffmpeg(tmp, "tone.wav", "-f", "lavfi", "-i", "sine=duration=2");
    MediaTool tool = tool();
    MediaTool.Input input = tool.open(wav, MediaKind.AUDIO, "data");
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                tool.transcode(
                    input,
                    List.of(),
                    List.of(
                        new MediaTool.Output(
                            List.of("-c:a", "libopus", "-f", "ogg"),
                            tmp.resolve("o.ogg").toString(),
                            true)),
                    new MediaTool.Limits(Duration.ofSeconds(60), 32 * MIB, 16 * MIB, 0, 10),
                    tmp));
    assertEquals(Status.INTERNAL, e.status(), "ffmpeg cannot even load its libraries in 32 MiB");
    assertEquals("audio processing failed", e.getMessage());
  }

  @Test
  void theChildRunsUnderItsLimitsWithOnlyPathInItsEnvironment() throws IOException {
    Path fake =
        script(
            "fake-ffprobe",
            """
            #!/bin/bash
            env > env.txt
            { ulimit -v; ulimit -t; ulimit -f; ulimit -n; ulimit -c; } > limits.txt
            printf '%s\\n' "$@" > args.txt
            pwd > cwd.txt
            exit 1
            """);
    Path wav = MediaFixtures.ffmpeg(tmp, "tone.wav", "-f", "lavfi", "-i", "sine=duration=1");
    Path job = Files.createDirectories(tmp.resolve("work/job"));
    Files.copy(wav, job.resolve("source"));
    MediaTool tool =
        new MediaTool(
            "ffmpeg", fake.toString(), new MediaTool.Sandbox("prlimit", 3, tmp.resolve("work")));
    MediaTool.Limits probe =
        new MediaTool.Limits(Duration.ofSeconds(20), 768 * MIB, 2 * MIB, 0, 60);

    ApiException e =
        assertThrows(
            ApiException.class,
            () -> tool.probe(tool.open(job.resolve("source"), MediaKind.AUDIO, "data"), probe));
    assertEquals("data: is not a readable audio file", e.getMessage());

    List<String> env =
        Files.readAllLines(job.resolve("env.txt")).stream()
            .map(l -> l.split("=", 2)[0])
            .filter(k -> !List.of("PWD", "SHLVL", "_", "OLDPWD").contains(k))
            .sorted()
            .toList();
    assertEquals(
        List.of("LC_ALL", "PATH"), env, "no credential or setting of ours reaches the tool");
    long cpu = 20 * 3 + 5;
    assertEquals(
        List.of(
            Long.toString(768 * 1024),
            Long.toString(cpu),
            Long.toString(probe.fileSizeRlimit() / 1024),
            "64",
            "0"),
        Files.readAllLines(job.resolve("limits.txt")),
        "address space KiB, CPU s, file size KiB, open files, core");
    List<String> args = Files.readAllLines(job.resolve("args.txt"));
    assertEquals("file:" + job.resolve("source").toAbsolutePath(), args.get(args.size() - 1));
    assertEquals("wav", args.get(args.indexOf("-f") + 1));
    assertEquals("file", args.get(args.indexOf("-protocol_whitelist") + 1));
    assertEquals(
        MediaKind.AUDIO.formatWhitelist(), args.get(args.indexOf("-format_whitelist") + 1));
    assertEquals(job.toString(), Files.readString(job.resolve("cwd.txt")).trim());
  }

  @Test
  void aNoisyChildIsDrainedConcurrentlyAndItsWordsStayOutOfTheAnswer() throws IOException {
    // 20 MB on each pipe: a runner that read them one after the other, or not at all, would stall.
    Path fake =
        script(
            "noisy-ffprobe",
            """
            #!/bin/bash
            head -c 20000000 /dev/zero | tr '\\0' 'o' &
            head -c 20000000 /dev/zero | tr '\\0' 'e' >&2
            wait
            echo "/secret/server/path leaked" >&2
            exit 1
            """);
    Path wav = MediaFixtures.ffmpeg(tmp, "tone.wav", "-f", "lavfi", "-i", "sine=duration=1");
    MediaTool tool =
        new MediaTool(
            "ffmpeg", fake.toString(), new MediaTool.Sandbox("prlimit", 2, tmp.resolve("w")));
    long start = System.nanoTime();

    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                tool.probe(
                    tool.open(wav, MediaKind.AUDIO, "data"),
                    new MediaTool.Limits(Duration.ofSeconds(30), 1024 * MIB, MIB, 0, 60)));

    assertEquals(Status.INVALID_ARGUMENT, e.status());
    assertEquals("data: is not a readable audio file", e.getMessage());
    assertTrue(
        Duration.ofNanos(System.nanoTime() - start).toSeconds() < 20, "no pipe stalled the child");
  }

  @Test
  void aChildPastItsTimeoutIsKilledWithItsChildren() throws Exception {
    Path fake =
        script(
            "slow-ffprobe",
            """
            #!/bin/bash
            sleep 60 &
            echo $! > sleeper.pid
            wait
            """);
    Path wav = MediaFixtures.ffmpeg(tmp, "tone.wav", "-f", "lavfi", "-i", "sine=duration=1");
    MediaTool tool =
        new MediaTool(
            "ffmpeg", fake.toString(), new MediaTool.Sandbox("prlimit", 2, tmp.resolve("w")));
    long start = System.nanoTime();

    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                tool.probe(
                    tool.open(wav, MediaKind.AUDIO, "data"),
                    new MediaTool.Limits(Duration.ofSeconds(1), 1024 * MIB, MIB, 0, 60)));

    assertEquals(Status.DEADLINE_EXCEEDED, e.status());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    long sleeper = Long.parseLong(Files.readString(tmp.resolve("sleeper.pid")).trim());
    assertFalse(
        ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false),
        "the grandchild is gone too");
  }

  @Test
  void withoutPrlimitNothingRunsUnconfined() {
    Path wav = MediaFixtures.ffmpeg(tmp, "tone.wav", "-f", "lavfi", "-i", "sine=duration=1");
    MediaTool tool =
        new MediaTool("ffmpeg", "ffprobe", new MediaTool.Sandbox("/nonexistent/prlimit", 2, tmp));
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                tool.probe(
                    tool.open(wav, MediaKind.AUDIO, "data"),
                    MediaTool.Limits.probe(Duration.ofSeconds(10), 1024 * MIB)));
    assertEquals(Status.UNAVAILABLE, e.status());
    assertTrue(e.getMessage().contains("prlimit"), e.getMessage());
    assertThrows(
        ApiException.class, tool::encoders, "ffmpeg -encoders is not run unconfined either");
  }

  private Path script(String name, String body) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }
}

package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.storage.BlobId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every item of the hostile corpus ({@link HostileMedia}) against every upload function, inline and
 * as an uploaded object: each is refused with a 4xx, nothing is written to Firestore or Storage
 * (the refused original is deleted too), no work file is left behind, the answer carries no path or
 * tool output, and the loopback server the HTTP playlists name sees no request. Control probes with
 * a bare ffprobe show the items really are attacks on an unfenced tool.
 */
class HostileMediaTest {
  @TempDir static Path corpusDir;
  @TempDir static Path workRoot;
  private static HostileMedia corpus;

  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();

  @RegisterExtension
  final TestBed bed =
      CdnFixtures.bed(purger, tasks)
          .env(
              Map.of(
                  "VIDEO_MAX_SECONDS",
                  "10",
                  "VOICE_MAX_SECONDS",
                  "10",
                  "VIDEO_X264_PRESET",
                  "ultrafast",
                  "MEDIA_WORK_DIR",
                  workRoot.toString()))
          .build();

  private final AuthEmulator.User user = AuthEmulator.newUser();

  @BeforeAll
  static void makeCorpus() throws IOException {
    corpus = new HostileMedia(corpusDir);
  }

  @AfterAll
  static void stopServer() {
    corpus.close();
  }

  private record Attempt(String function, String how) {}

  @Test
  void everyUploadFunctionRefusesEveryCorpusItemAndWritesNothing() throws Exception {
    Set<String> imageIoBefore = imageIoCacheFiles();
    List<String> problems = new ArrayList<>();
    int attempts = 0;
    for (Map.Entry<String, byte[]> item : corpus.items().entrySet()) {
      String name = item.getKey();
      String inline = "\"data\":\"" + Base64.getEncoder().encodeToString(item.getValue()) + "\"";
      for (Attempt a :
          List.of(
              new Attempt("uploadImage", "data"),
              new Attempt("uploadImage", "path"),
              new Attempt("cacheAiAvatar", "data"),
              new Attempt("cacheAiAvatar", "path"),
              new Attempt("uploadVideo", "path"),
              new Attempt("optimizeVoice", "data"),
              new Attempt("optimizeVoice", "path"))) {
        String path =
            (a.function().equals("cacheAiAvatar")
                    ? "ai-avatars/corpus/"
                    : "uploads/" + user.uid() + "/")
                + name;
        if (a.how().equals("path")) {
          CdnFixtures.upload(bed, path, item.getValue());
        }
        long writes = Emulators.firestoreWriteCount();
        String source = a.how().equals("path") ? "\"path\":\"" + path + "\"" : inline;
        FakeExchange.Response r = send(a.function(), source);
        attempts++;
        String label = name + " → " + a.function() + " (" + a.how() + ")";
        if (r.status() < 400 || r.status() >= 500) {
          problems.add(label + ": HTTP " + r.status() + " " + abbreviated(r.body()));
          continue;
        }
        String message = r.errorMessage();
        System.out.println("corpus: " + label + " → " + r.status() + " " + message);
        if (message.contains(corpusDir.toString())
            || message.contains(workRoot.toString())
            || message.contains("ffmpeg")
            || message.contains("ffprobe")
            || message.contains(" @ 0x")) {
          problems.add(label + ": the answer leaks internals: " + message);
        }
        if (!workFiles().isEmpty()) {
          problems.add(label + ": work files left behind: " + workFiles());
        }
        if (Emulators.firestoreWriteCount() != writes) {
          problems.add(label + ": Firestore was written");
        }
        // Both buckets: nothing published, and the refused original (a user's or a backend's avatar
        // source) deleted.
        List<String> left = new ArrayList<>(CdnFixtures.objectsIn(bed, CdnFixtures.BUCKET, ""));
        left.addAll(CdnFixtures.objectsIn(bed, CdnFixtures.UPLOADS, ""));
        if (!left.isEmpty()) {
          problems.add(label + ": objects left in Storage: " + left);
        }
        bed.storage.delete(BlobId.of(CdnFixtures.bucketOf(path), path));
      }
    }
    assertEquals(corpus.items().size() * 7, attempts);
    assertEquals(List.of(), problems, "every corpus item must be refused cleanly");
    assertEquals(0, corpus.loopbackRequests.get(), "no media tool may contact the loopback server");
    Set<String> imageIoAfter = imageIoCacheFiles();
    imageIoAfter.removeAll(imageIoBefore);
    assertEquals(Set.of(), imageIoAfter, "no ImageIO cache file is made for a user's bytes");
  }

  @Test
  void aLocalFileNamedInAPlaylistNeverReachesStorage() throws Exception {
    byte[] playlist = corpus.items().get("hls-local-audio.m3u8");

    FakeExchange.Response r =
        send("optimizeVoice", "\"data\":\"" + Base64.getEncoder().encodeToString(playlist) + "\"");

    assertEquals(400, r.status(), r.body());
    assertEquals("INVALID_ARGUMENT", r.errorStatus());
    assertTrue(
        r.errorMessage().startsWith("data: is not a supported audio file"), r.errorMessage());
    // Nothing at all in either bucket: the marker's bytes, or an Opus made of them, went nowhere.
    assertEquals(List.of(), CdnFixtures.objectsIn(bed, CdnFixtures.BUCKET, ""));
    assertEquals(List.of(), CdnFixtures.objectsIn(bed, bed.root.cdn().config().uploadBucket(), ""));
    // Control: an unfenced ffprobe follows the same bytes to the marker and reads its 3 s.
    String bare =
        MediaFixtures.run(
            corpusDir,
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=format_name,duration",
            "-of",
            "default=nw=1",
            corpus.file("hls-local-audio.m3u8").toString());
    assertTrue(bare.contains("format_name=hls") && bare.contains("duration=3.0"), bare);
  }

  @Test
  void theCorpusItemsAreRealAttacksOnAnUnfencedFfprobe() {
    for (String name :
        List.of("hls-local-video.mp4", "hls-local-audio.avi", "polyglot-id3-hls.mp3")) {
      String bare =
          MediaFixtures.run(
              corpusDir,
              "ffprobe",
              "-v",
              "error",
              "-show_entries",
              "format=format_name",
              "-of",
              "default=nw=1",
              corpus.file(name).toString());
      assertTrue(
          bare.contains("format_name=hls"),
          name + " is not taken for HLS by a bare ffprobe: " + bare);
    }
    String lie =
        MediaFixtures.run(
            corpusDir,
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "default=nw=1",
            corpus.file("duration-lie.mp4").toString());
    double claimed = Double.parseDouble(lie.trim().replace("duration=", ""));
    assertTrue(claimed < 3, "the patched headers claim ~2 s: " + lie);
    String packets =
        MediaFixtures.run(
            corpusDir,
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-count_packets",
            "-show_entries",
            "stream=nb_read_packets",
            "-of",
            "default=nw=1",
            corpus.file("duration-lie.mp4").toString());
    assertTrue(packets.contains("nb_read_packets=900"), "60 s × 15 fps of content: " + packets);
  }

  @Test
  void theDurationLieIsNamedForWhatItIs() throws Exception {
    String path = "uploads/" + user.uid() + "/lie.mp4";
    CdnFixtures.upload(bed, path, corpus.items().get("duration-lie.mp4"));

    FakeExchange.Response r = send("uploadVideo", "\"path\":\"" + path + "\"");

    assertEquals(400, r.status(), r.body());
    assertTrue(
        r.errorMessage().contains("declares a duration of 0:00:02 but its content runs 0:01:00"),
        r.errorMessage());
    assertFalse(CdnFixtures.blob(bed, path) != null, "the refused original is deleted");
  }

  @Test
  void imageBombsAreRefusedFromTheirHeaderBeforeDecoding() throws Exception {
    for (String name :
        List.of(
            "png-huge-header.png",
            "jpeg-huge-header.jpg",
            "png-decompression-bomb.png",
            "webp-huge-header.webp")) {
      FakeExchange.Response r =
          send(
              "uploadImage",
              "\"data\":\"" + Base64.getEncoder().encodeToString(corpus.items().get(name)) + "\"");
      assertEquals(400, r.status(), name + ": " + r.body());
      assertTrue(
          r.errorMessage().contains("megapixels); the limit is 100.0 megapixels"),
          name + ": " + r.errorMessage());
    }
  }

  private FakeExchange.Response send(String function, String source) throws Exception {
    return switch (function) {
      case "uploadImage" ->
          FakeExchange.post()
              .bearer(user.idToken())
              .data("{" + source + "}")
              .send(new UploadImage(bed.platform, bed.root.cdn()));
      case "cacheAiAvatar" ->
          FakeExchange.post()
              .body("{\"avatarId\":\"corpus\"," + source + "}")
              .send(new CacheAiAvatar(bed.platform, bed.root.cdn()));
      case "uploadVideo" ->
          FakeExchange.post()
              .bearer(user.idToken())
              .data("{" + source + "}")
              .send(new UploadVideo(bed.platform, bed.root.cdn()));
      case "optimizeVoice" ->
          FakeExchange.post()
              .bearer(user.idToken())
              .data("{" + source + "}")
              .send(new OptimizeVoice(bed.platform, bed.root.cdn()));
      default -> throw new IllegalArgumentException(function);
    };
  }

  /** Whatever is left in the media work root (this test's own directory). */
  private static Set<String> workFiles() throws IOException {
    try (Stream<Path> files = Files.walk(workRoot)) {
      Set<String> names = new TreeSet<>();
      files
          .filter(p -> !p.equals(workRoot))
          .map(p -> workRoot.relativize(p).toString())
          .forEach(names::add);
      return names;
    }
  }

  /** ImageIO's cache files ({@code imageio*.tmp}) in the JVM's temp directory. */
  private static Set<String> imageIoCacheFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      Set<String> names = new TreeSet<>();
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("imageio"))
          .forEach(names::add);
      return names;
    }
  }

  private static String abbreviated(String body) {
    return body.length() <= 300 ? body : body.substring(0, 300) + "…";
  }
}

package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class VideoUploadTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();

  @RegisterExtension
  final TestBed bed =
      CdnFixtures.bed(purger, tasks).env(Map.of("VIDEO_X264_PRESET", "ultrafast")).build();

  private final AuthEmulator.User user = AuthEmulator.newUser();
  @TempDir Path tmp;

  private FakeExchange.Response uploadVideo(TestBed on, String path) throws Exception {
    return FakeExchange.post()
        .bearer(user.idToken())
        .data(CdnFixtures.json("path", path))
        .send(new UploadVideo(on.platform, on.root.cdn()));
  }

  /**
   * The whole flow: uploadVideo answers processing with one task queued, the worker runs it, and
   * calling uploadVideo again (how a client polls) returns the ready asset.
   */
  private FakeExchange.Response uploadAndTranscode(TestBed on, String path) throws Exception {
    var queued = uploadVideo(on, path);
    assertEquals(200, queued.status(), queued.body());
    assertEquals(
        "processing", queued.result().getAsJsonObject().get("status").getAsString(), queued.body());
    List<FakeExchange.Response> answers = CdnFixtures.transcodeQueued(on, tasks);
    assertEquals(1, answers.size(), "one task, one delivery: " + answers);
    assertEquals(200, answers.get(0).status(), answers.get(0).body());
    assertEquals(
        "ready", answers.get(0).json().get("outcome").getAsString(), answers.get(0).body());
    return uploadVideo(on, path);
  }

  @Test
  void clipIsTranscodedToAnHlsLadderWithPosterAndPreview() throws Exception {
    Path clip =
        MediaFixtures.ffmpeg(
            tmp,
            "clip.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=1280x720:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000",
            "-t",
            "7",
            "-shortest",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac");
    String path = "uploads/" + user.uid() + "/clip.mp4";
    CdnFixtures.upload(bed, path, MediaFixtures.read(clip));

    var queued = uploadVideo(bed, path);

    assertEquals(200, queued.status(), queued.body());
    JsonObject processing = queued.result().getAsJsonObject();
    assertEquals("processing", processing.get("status").getAsString());
    assertEquals(0.0, processing.get("progress").getAsDouble());
    assertEquals(
        7000.0,
        processing.get("durationMs").getAsDouble(),
        300.0,
        "the probe's facts come back at once");
    assertTrue(CdnFixtures.blob(bed, path) != null, "the original stays until the worker ran");
    List<QueuedTasks.Task> all = tasks.all();
    assertEquals(1, all.size(), all.toString());
    assertEquals("transcodeVideo", all.get(0).function());
    assertEquals("video-transcode", all.get(0).queue());
    String assetId = processing.get("assetId").getAsString();
    assertTrue(all.get(0).name().startsWith(assetId + "-"), all.get(0).name());
    assertTrue(all.get(0).body().contains("\"assetId\":\"" + assetId + "\""), all.get(0).body());
    var again = uploadVideo(bed, path);
    assertEquals(
        "processing", again.result().getAsJsonObject().get("status").getAsString(), again.body());
    assertEquals(1, tasks.all().size(), "polling while processing queues nothing more");

    List<FakeExchange.Response> answers = CdnFixtures.transcodeQueued(bed, tasks);
    assertEquals(1, answers.size(), answers.toString());
    assertEquals(200, answers.get(0).status(), answers.get(0).body());
    assertEquals("ready", answers.get(0).json().get("outcome").getAsString());
    var response = uploadVideo(bed, path);

    assertEquals(200, response.status(), response.body());
    JsonObject result = response.result().getAsJsonObject();
    assertEquals("ready", result.get("status").getAsString());
    assertEquals(1280, result.get("width").getAsInt());
    assertEquals(720, result.get("height").getAsInt());
    assertEquals(assetId, result.get("assetId").getAsString());
    String prefix = "media/videos/" + assetId + "/";
    assertEquals(
        CdnFixtures.CDN + "/" + prefix + "hls/master.m3u8",
        result.get("playlistUrl").getAsString());
    DocumentSnapshot doc = bed.db.collection("cdnAssets").document(assetId).get().get();
    assertEquals("ready", doc.getString("status"));
    assertEquals(7000, doc.getLong("durationMs"), 300);
    assertEquals(1.0, doc.getDouble("progress"));
    assertEquals(1L, doc.getLong("attempts"));

    // Master playlist: 720p, 480p, 360p — nothing above the 720p source.
    String master =
        new String(CdnFixtures.object(bed, prefix + "hls/master.m3u8"), StandardCharsets.UTF_8);
    assertTrue(master.startsWith("#EXTM3U"), master);
    Matcher inf = Pattern.compile("#EXT-X-STREAM-INF:([^\\n]*)\\n([^\\n]+)").matcher(master);
    List<String> resolutions = new ArrayList<>();
    List<String> playlists = new ArrayList<>();
    while (inf.find()) {
      Matcher res = Pattern.compile("RESOLUTION=(\\d+x\\d+)").matcher(inf.group(1));
      assertTrue(res.find(), inf.group(1));
      assertTrue(inf.group(1).contains("BANDWIDTH="), inf.group(1));
      resolutions.add(res.group(1));
      playlists.add(inf.group(2).trim());
    }
    assertEquals(List.of("1280x720", "852x480", "640x360"), resolutions);
    assertEquals(List.of("720p/index.m3u8", "480p/index.m3u8", "360p/index.m3u8"), playlists);
    assertEquals(
        "application/vnd.apple.mpegurl",
        CdnFixtures.blob(bed, prefix + "hls/master.m3u8").getContentType());
    assertEquals(
        "public, max-age=604800",
        CdnFixtures.blob(bed, prefix + "hls/master.m3u8").getCacheControl());

    for (int i = 0; i < playlists.size(); i++) {
      String dir = prefix + "hls/" + playlists.get(i).replace("/index.m3u8", "") + "/";
      String playlist =
          new String(CdnFixtures.object(bed, dir + "index.m3u8"), StandardCharsets.UTF_8);
      assertTrue(playlist.contains("#EXT-X-ENDLIST"), playlist);
      assertTrue(playlist.contains("#EXT-X-PLAYLIST-TYPE:VOD"), playlist);
      Matcher target = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)").matcher(playlist);
      assertTrue(target.find());
      assertTrue(Integer.parseInt(target.group(1)) <= 7, "~6 s segments: " + playlist);
      Matcher extinf = Pattern.compile("#EXTINF:([0-9.]+),\\n([^\\n]+)").matcher(playlist);
      double total = 0;
      List<String> segments = new ArrayList<>();
      while (extinf.find()) {
        double d = Double.parseDouble(extinf.group(1));
        assertTrue(d <= 6.5, "segment of " + d + " s");
        total += d;
        segments.add(extinf.group(2).trim());
      }
      assertEquals(7.0, total, 0.3, playlist);
      assertEquals(2, segments.size(), "7 s in 6 s segments: " + segments);
      String[] size = resolutions.get(i).split("x");
      for (String segment : segments) {
        assertEquals(
            "public, max-age=31536000, immutable",
            CdnFixtures.blob(bed, dir + segment).getCacheControl());
        assertEquals("video/mp2t", CdnFixtures.blob(bed, dir + segment).getContentType());
        Path local = tmp.resolve("seg-" + i + "-" + segment);
        Files.write(local, CdnFixtures.object(bed, dir + segment));
        String probe =
            MediaFixtures.run(
                tmp,
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "stream=codec_type,codec_name,width,height",
                "-of",
                "csv=p=0",
                local.toString());
        assertTrue(probe.contains("h264,video," + size[0] + "," + size[1]), probe);
        assertTrue(probe.contains("aac,audio"), probe);
      }
    }

    List<Map<String, Object>> variants = ImageUploadTest.variants(doc);
    assertEquals(
        List.of("master", "720p", "480p", "360p", "poster", "preview"),
        variants.stream().map(v -> (String) v.get("name")).toList());
    long segmentsIn720 = ((Number) variants.get(1).get("segments")).longValue();
    assertEquals(2, segmentsIn720);
    byte[] poster = CdnFixtures.object(bed, prefix + "poster.jpg");
    assertEquals("jpeg", ImageUploadTest.sniff(poster));
    BufferedImage posterImage = ImageIO.read(new ByteArrayInputStream(poster));
    assertEquals(1280, posterImage.getWidth());
    assertEquals(720, posterImage.getHeight());
    byte[] preview = CdnFixtures.object(bed, prefix + "preview.webp");
    assertEquals("webp", ImageUploadTest.sniff(preview));
    assertTrue(MediaFixtures.webpChunks(preview).contains("ANIM"), "an animated WebP preview");
    assertTrue(
        MediaFixtures.webpChunks(preview).stream().filter(c -> c.equals("ANMF")).count() > 10,
        "several frames");
    assertNull(CdnFixtures.blob(bed, path), "the original is removed once transcoded");

    // The client retries (say, after its own timeout): it gets the finished asset, no second
    // transcode.
    var retry = uploadVideo(bed, path);
    assertEquals(200, retry.status(), retry.body());
    assertEquals(assetId, retry.result().getAsJsonObject().get("assetId").getAsString());
    assertEquals("ready", retry.result().getAsJsonObject().get("status").getAsString());
    assertEquals(result.get("playlistUrl"), retry.result().getAsJsonObject().get("playlistUrl"));
  }

  @Test
  void fourKSourceStopsAt1080p() throws Exception {
    Path clip =
        MediaFixtures.ffmpeg(
            tmp,
            "uhd.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=3840x2160:rate=5",
            "-t",
            "1",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast");
    String path = "uploads/" + user.uid() + "/uhd.mp4";
    CdnFixtures.upload(bed, path, MediaFixtures.read(clip));

    var response = uploadAndTranscode(bed, path);

    assertEquals(200, response.status(), response.body());
    String assetId = response.result().getAsJsonObject().get("assetId").getAsString();
    String master =
        new String(
            CdnFixtures.object(bed, "media/videos/" + assetId + "/hls/master.m3u8"),
            StandardCharsets.UTF_8);
    assertTrue(master.contains("RESOLUTION=1920x1080"), master);
    assertTrue(!master.contains("3840x2160") && !master.contains("2560x1440"), master);
    assertEquals(
        4, master.split("#EXT-X-STREAM-INF").length - 1, "1080p, 720p, 480p, 360p: " + master);
    assertTrue(!master.contains("mp4a"), "a silent source gets video-only renditions: " + master);
  }

  @Test
  void phoneVideoWithRotationMetadataComesOutPortrait() throws Exception {
    MediaFixtures.ffmpeg(
        tmp,
        "landscape.mp4",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=640x360:rate=10",
        "-t",
        "1",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast");
    Path rotated =
        MediaFixtures.ffmpeg(
            tmp,
            "rotated.mp4",
            "-i",
            "landscape.mp4",
            "-c",
            "copy",
            "-metadata:s:v:0",
            "rotate=90");
    String path = "uploads/" + user.uid() + "/rotated.mp4";
    CdnFixtures.upload(bed, path, MediaFixtures.read(rotated));

    var response = uploadAndTranscode(bed, path);

    assertEquals(200, response.status(), response.body());
    JsonObject result = response.result().getAsJsonObject();
    assertEquals(360, result.get("width").getAsInt());
    assertEquals(640, result.get("height").getAsInt());
    String prefix = "media/videos/" + result.get("assetId").getAsString() + "/";
    String master =
        new String(CdnFixtures.object(bed, prefix + "hls/master.m3u8"), StandardCharsets.UTF_8);
    assertTrue(master.contains("RESOLUTION=360x640"), master);
    Path segment = tmp.resolve("portrait.ts");
    Files.write(segment, CdnFixtures.object(bed, prefix + "hls/360p/seg_000.ts"));
    String probe =
        MediaFixtures.run(
            tmp,
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=width,height",
            "-of",
            "csv=p=0",
            segment.toString());
    assertEquals(
        List.of("360,640"), probe.lines().filter(l -> !l.isBlank()).distinct().toList(), probe);
  }

  @Test
  void threeHourVideoIsRefusedBeforeAnythingIsWritten() throws Exception {
    // One frame a minute keeps the three-hour fixture tiny and quick to make.
    Path clip =
        MediaFixtures.ffmpeg(
            tmp,
            "long.mp4",
            "-f",
            "lavfi",
            "-i",
            "color=c=black:size=64x64:rate=1/60",
            "-t",
            "10800",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast");
    String path = "uploads/" + user.uid() + "/long.mp4";
    CdnFixtures.upload(bed, path, MediaFixtures.read(clip));
    long writes = Emulators.firestoreWriteCount();

    var response = uploadVideo(bed, path);

    assertEquals(400, response.status(), response.body());
    assertEquals("INVALID_ARGUMENT", response.errorStatus());
    assertTrue(
        response.errorMessage().contains("3:00:00") && response.errorMessage().contains("0:10:00"),
        response.errorMessage());
    assertEquals(writes, Emulators.firestoreWriteCount());
    assertTrue(CdnFixtures.objects(bed, "media/").isEmpty());
    assertNull(CdnFixtures.blob(bed, path), "a refused original is deleted");
    assertTrue(tasks.all().isEmpty(), "nothing queued");
  }

  @Test
  void notAVideoAndOtherUsersObjectsAreRefused() throws Exception {
    AuthEmulator.User other = AuthEmulator.newUser();
    CdnFixtures.upload(
        bed,
        "uploads/" + user.uid() + "/notes.mp4",
        "this is text".getBytes(StandardCharsets.UTF_8));
    CdnFixtures.upload(
        bed,
        "uploads/" + user.uid() + "/still.png",
        MediaFixtures.png(MediaFixtures.quadrants(64, 64)));
    long writes = Emulators.firestoreWriteCount();

    var text = uploadVideo(bed, "uploads/" + user.uid() + "/notes.mp4");
    assertEquals(400, text.status(), text.body());
    assertTrue(text.errorMessage().contains("not a supported video file"), text.errorMessage());
    var image = uploadVideo(bed, "uploads/" + user.uid() + "/still.png");
    assertEquals(400, image.status(), image.body());
    var foreign = uploadVideo(bed, "uploads/" + other.uid() + "/clip.mp4");
    assertEquals(403, foreign.status(), foreign.body());
    var traversal = uploadVideo(bed, "uploads/" + user.uid() + "/../" + other.uid() + "/clip.mp4");
    assertEquals(400, traversal.status(), traversal.body());

    assertEquals(writes, Emulators.firestoreWriteCount());
    assertTrue(CdnFixtures.objects(bed, "media/").isEmpty());
  }

  @Test
  void missingFfmpegIsUnavailableNotAFakeResult() throws Exception {
    TestBed noFfmpeg =
        CdnFixtures.bed(purger, tasks)
            .env(
                Map.of(
                    "FFMPEG_PATH", "/nonexistent/ffmpeg", "FFPROBE_PATH", "/nonexistent/ffprobe"))
            .build();
    String path = "uploads/" + user.uid() + "/clip.mp4";
    CdnFixtures.upload(noFfmpeg, path, "irrelevant".getBytes(StandardCharsets.UTF_8));
    long writes = Emulators.firestoreWriteCount();

    var response = uploadVideo(noFfmpeg, path);

    assertEquals(503, response.status(), response.body());
    assertEquals("UNAVAILABLE", response.errorStatus());
    assertTrue(response.errorMessage().contains("ffmpeg"), response.errorMessage());
    assertEquals(writes, Emulators.firestoreWriteCount());

    // Images still work without ffmpeg; AVIF is skipped and the reason recorded.
    var image =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(
                CdnFixtures.json(
                    "data",
                    java.util.Base64.getEncoder()
                        .encodeToString(MediaFixtures.jpeg(MediaFixtures.quadrants(300, 200)))))
            .send(new UploadImage(noFfmpeg.platform, noFfmpeg.root.cdn()));
    assertEquals(200, image.status(), image.body());
    JsonObject result = image.result().getAsJsonObject();
    assertTrue(result.get("notes").toString().contains("AVIF skipped"), result.toString());
    assertTrue(
        result.get("variants").toString().contains("webp")
            && !result.get("variants").toString().contains("avif"));
  }
}

package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class VoiceTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();

  @RegisterExtension
  final TestBed bed = CdnFixtures.bed(purger, tasks).env(Map.of("VOICE_MAX_SECONDS", "10")).build();

  private final AuthEmulator.User user = AuthEmulator.newUser();
  @TempDir Path tmp;

  private FakeExchange.Response optimize(String dataJson) throws Exception {
    return FakeExchange.post()
        .bearer(user.idToken())
        .data(dataJson)
        .send(new OptimizeVoice(bed.platform, bed.root.cdn()));
  }

  @Test
  void quietStereoRecordingBecomesLoudnessNormalisedMonoOpus() throws Exception {
    // A quiet (-30 dB) stereo tone, as a phone might record a whisper.
    Path wav =
        MediaFixtures.ffmpeg(
            tmp,
            "quiet.wav",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:sample_rate=44100:duration=4",
            "-af",
            "volume=-30dB,aformat=channel_layouts=stereo");
    assertTrue(integratedLoudness(wav) < -35, "the fixture is quiet");

    var response =
        optimize(
            CdnFixtures.json("data", Base64.getEncoder().encodeToString(Files.readAllBytes(wav))));

    assertEquals(200, response.status(), response.body());
    JsonObject result = response.result().getAsJsonObject();
    assertEquals("opus", result.get("codec").getAsString());
    assertEquals(4000.0, result.get("durationMs").getAsDouble(), 100.0);
    String url = result.get("url").getAsString();
    String path =
        CdnFixtures.signedObject(
            bed, url); // private media: a verified V4 signed URL, not a CDN URL
    String assetId = result.get("assetId").getAsString();
    assertEquals(
        "private/voice/" + assetId + "/voice.ogg", path, "an opaque path, without the owner's uid");
    assertTrue(Instant.parse(result.get("expiresAt").getAsString()).isAfter(Instant.now()));
    Path ogg = tmp.resolve("voice.ogg");
    Files.write(ogg, CdnFixtures.object(bed, path));
    String probe =
        MediaFixtures.run(
            tmp,
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name,channels,sample_rate:format=format_name,bit_rate",
            "-of",
            "default=nw=1",
            ogg.toString());
    assertTrue(probe.contains("codec_name=opus"), probe);
    assertTrue(probe.contains("channels=1"), probe);
    assertTrue(probe.contains("format_name=ogg"), probe);
    Matcher bitrate = Pattern.compile("bit_rate=(\\d+)").matcher(probe);
    assertTrue(bitrate.find(), probe);
    assertTrue(Long.parseLong(bitrate.group(1)) < 40_000, "~32 kb/s: " + probe);
    assertEquals(-16, integratedLoudness(ogg), 2.5, "normalised to -16 LUFS");
    assertEquals("audio/ogg", CdnFixtures.blob(bed, path).getContentType());
    assertEquals("private, max-age=604800", CdnFixtures.blob(bed, path).getCacheControl());
    assertTrue(
        CdnFixtures.objects(bed, "media/").isEmpty(),
        "nothing of a voice message is in the public bucket");
    var doc = bed.db.collection("cdnAssets").document(assetId).get().get();
    assertEquals("voice", doc.getString("type"));
    assertEquals("ready", doc.getString("status"));
    assertEquals(2L, doc.getLong("sourceChannels"));
  }

  @Test
  void recordingOverTheDurationCapIsRefused() throws Exception {
    Path wav =
        MediaFixtures.ffmpeg(
            tmp,
            "long.wav",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:sample_rate=8000:duration=12");
    long writes = Emulators.firestoreWriteCount();

    var response =
        optimize(
            CdnFixtures.json("data", Base64.getEncoder().encodeToString(Files.readAllBytes(wav))));

    assertEquals(400, response.status(), response.body());
    assertTrue(
        response.errorMessage().contains("0:00:12") && response.errorMessage().contains("0:00:10"),
        response.errorMessage());
    assertEquals(writes, Emulators.firestoreWriteCount());
    assertTrue(CdnFixtures.objects(bed, "media/").isEmpty());
  }

  @Test
  void notAudioIsRefused() throws Exception {
    var response =
        optimize(
            CdnFixtures.json(
                "data",
                Base64.getEncoder()
                    .encodeToString(MediaFixtures.png(MediaFixtures.quadrants(32, 32)))));
    assertEquals(400, response.status(), response.body());
    assertTrue(response.errorMessage().contains("audio"), response.errorMessage());
  }

  private double integratedLoudness(Path file) {
    String out =
        MediaFixtures.run(
            tmp,
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-i",
            file.toString(),
            "-af",
            "ebur128",
            "-f",
            "null",
            "-");
    Matcher m = Pattern.compile("I:\\s+(-?[0-9.]+) LUFS").matcher(out);
    double last = Double.NaN;
    while (m.find()) {
      last = Double.parseDouble(m.group(1));
    }
    assertTrue(!Double.isNaN(last), out);
    return last;
  }
}

package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload quotas come from the cost domain's GCRA limiter: with one upload an hour allowed, the
 * second accepted upload is RESOURCE_EXHAUSTED and writes nothing, a refused file spends nothing,
 * and another user is unaffected.
 */
class MediaQuotaTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();
  @RegisterExtension final TestBed bed = CdnFixtures.bed(purger, tasks).build();
  private final AuthEmulator.User user = AuthEmulator.newUser();
  @TempDir Path tmp;

  private void oneAnHour(String service) throws Exception {
    bed.db
        .collection("costConfig")
        .document("rateLimits")
        .set(
            Map.of(
                "limits",
                List.of(
                    Map.of(
                        "service", service, "requests", 1L, "periodSeconds", 3600L, "burst", 1L))))
        .get();
  }

  private FakeExchange.Response voice(AuthEmulator.User who, byte[] bytes) throws Exception {
    return FakeExchange.post()
        .bearer(who.idToken())
        .data(CdnFixtures.json("data", Base64.getEncoder().encodeToString(bytes)))
        .send(new OptimizeVoice(bed.platform, bed.root.cdn()));
  }

  @Test
  void theSecondVoiceMessageInTheHourIsRefusedAndRefusedFilesSpendNothing() throws Exception {
    oneAnHour("cdn");
    byte[] wav =
        MediaFixtures.read(
            MediaFixtures.ffmpeg(tmp, "tone.wav", "-f", "lavfi", "-i", "sine=duration=1"));

    var refusedFile = voice(user, "#EXTM3U\nfile:///etc/passwd\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, refusedFile.status(), refusedFile.body());
    assertEquals(
        200, voice(user, wav).status(), "the refused file did not spend the one allowed upload");
    int objects = CdnFixtures.objects(bed, "media/").size();
    long writes = Emulators.firestoreWriteCount();

    var second = voice(user, wav);

    assertEquals(429, second.status(), second.body());
    assertEquals("RESOURCE_EXHAUSTED", second.errorStatus());
    assertTrue(
        second
                .json()
                .getAsJsonObject("error")
                .getAsJsonObject("details")
                .get("retryAfterMs")
                .getAsLong()
            > 0);
    assertEquals(writes, Emulators.firestoreWriteCount(), "a denied batch writes nothing");
    assertEquals(objects, CdnFixtures.objects(bed, "media/").size());
    assertEquals(200, voice(AuthEmulator.newUser(), wav).status(), "quotas are per user");
  }

  @Test
  void videoUploadsSpendTheVideoQuotaBeforeTheTranscode() throws Exception {
    oneAnHour("video");
    Path clip =
        MediaFixtures.ffmpeg(
            tmp,
            "clip.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-t",
            "2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast");
    String first = "uploads/" + user.uid() + "/a.mp4";
    String second = "uploads/" + user.uid() + "/b.mp4";
    CdnFixtures.upload(bed, first, MediaFixtures.read(clip));
    CdnFixtures.upload(bed, second, MediaFixtures.read(clip));
    FakeExchange.Response a =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("path", first))
            .send(new UploadVideo(bed.platform, bed.root.cdn()));
    assertEquals(200, a.status(), a.body());
    long writes = Emulators.firestoreWriteCount();

    FakeExchange.Response b =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("path", second))
            .send(new UploadVideo(bed.platform, bed.root.cdn()));

    assertEquals(429, b.status(), b.body());
    assertEquals(writes, Emulators.firestoreWriteCount(), "no asset claimed, no transcode");
  }
}

package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The asynchronous half of uploadVideo: the transcodeVideo worker as the queue delivers it —
 * success, a retryable failure retried to success, a user's file failing for good, the dead letter
 * after the last attempt, duplicate deliveries, and an enqueue that fails.
 */
class VideoTranscodeTest {
  private static final Map<String, String> FAST = Map.of("VIDEO_X264_PRESET", "ultrafast");
  private final AuthEmulator.User user = AuthEmulator.newUser();
  private final RecordingPurger purger = new RecordingPurger();

  /** The transcode queue of the test's bed: tasks uploadVideo enqueued. */
  private final QueuedTasks tasks = new QueuedTasks();

  @TempDir Path tmp;

  private FakeExchange.Response uploadVideo(TestBed bed, String path) throws Exception {
    return FakeExchange.post()
        .bearer(user.idToken())
        .data(CdnFixtures.json("path", path))
        .send(new UploadVideo(bed.platform, bed.root.cdn()));
  }

  private String uploadClip(TestBed bed, String name) throws Exception {
    Path clip =
        MediaFixtures.ffmpeg(
            tmp,
            name,
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000",
            "-t",
            "3",
            "-shortest",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac");
    String path = "uploads/" + user.uid() + "/" + name;
    CdnFixtures.upload(bed, path, MediaFixtures.read(clip));
    return path;
  }

  /** uploadVideo → processing with exactly one task queued; returns that task. */
  private QueuedTasks.Task queue(TestBed bed, String path) throws Exception {
    FakeExchange.Response r = uploadVideo(bed, path);
    assertEquals(200, r.status(), r.body());
    assertEquals("processing", r.result().getAsJsonObject().get("status").getAsString(), r.body());
    List<QueuedTasks.Task> pending = tasks.takePending();
    assertEquals(1, pending.size(), pending.toString());
    return pending.get(0);
  }

  private static DocumentSnapshot asset(TestBed bed, String assetId) throws Exception {
    return bed.db.collection("cdnAssets").document(assetId).get().get();
  }

  private static String assetId(QueuedTasks.Task task) {
    return task.name().substring(0, task.name().lastIndexOf('-'));
  }

  @Test
  void storageFailureIsAnsweredRetryableAndTheRetrySucceeds() throws Exception {
    // The third object write of the ladder fails once: Storage was briefly unavailable.
    AtomicInteger failures = new AtomicInteger(1);
    TestBed bed =
        CdnFixtures.bed(purger, tasks)
            .env(FAST)
            .storageView(s -> FlakyStorage.failingWrites(s, "media/videos/", 2, failures))
            .build();
    String path = uploadClip(bed, "flaky.mp4");
    QueuedTasks.Task task = queue(bed, path);
    String assetId = assetId(task);
    TranscodeVideo worker = new TranscodeVideo(bed.platform, bed.root.cdn());

    FakeExchange.Response first = QueuedTasks.deliver(worker, task, 0);

    assertEquals(500, first.status(), "non-2xx: the queue retries with backoff — " + first.body());
    assertEquals("INTERNAL", first.errorStatus());
    DocumentSnapshot during = asset(bed, assetId);
    assertEquals("processing", during.getString("status"));
    assertEquals(1L, during.getLong("attempts"));
    assertTrue(
        during.getString("lastError").contains("StorageException"), during.getString("lastError"));
    assertEquals(
        List.of(),
        CdnFixtures.objects(bed, "media/videos/" + assetId + "/"),
        "the failed attempt's objects are removed");
    assertNotNull(CdnFixtures.blob(bed, path), "the original stays for the retry");

    FakeExchange.Response second = QueuedTasks.deliver(worker, task, 1);

    assertEquals(200, second.status(), second.body());
    assertEquals("ready", second.json().get("outcome").getAsString());
    assertEquals(2, second.json().get("attempt").getAsInt());
    DocumentSnapshot done = asset(bed, assetId);
    assertEquals("ready", done.getString("status"));
    assertEquals(2L, done.getLong("attempts"));
    assertNull(done.get("lastError"), "a ready asset carries no stale error");
    assertTrue(
        CdnFixtures.objects(bed, "media/videos/" + assetId + "/")
            .contains("media/videos/" + assetId + "/hls/master.m3u8"));
    assertNull(CdnFixtures.blob(bed, path), "the original goes once the worker succeeded");
    JsonObject view = uploadVideo(bed, path).result().getAsJsonObject();
    assertEquals("ready", view.get("status").getAsString());
    assertEquals(
        CdnFixtures.CDN + "/media/videos/" + assetId + "/hls/master.m3u8",
        view.get("playlistUrl").getAsString());
  }

  @Test
  void aFileWhoseLaterFramesDoNotDecodeFailsAtOnceAndItsOriginalIsDeleted() throws Exception {
    TestBed bed = CdnFixtures.bed(purger, tasks).env(FAST).build();
    Path clip =
        MediaFixtures.ffmpeg(
            tmp,
            "tail.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-t",
            "8",
            "-g",
            "25",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast");
    // Garbage over the last 60 % of the media data: the index, the probe and the first
    // seconds' decode check are fine, so only the full transcode finds it.
    byte[] bytes = MediaFixtures.read(clip);
    int mdat = indexOf(bytes, "mdat");
    int moov = indexOf(bytes, "moov");
    assertTrue(mdat > 0 && moov > mdat, "faststart off: moov after mdat");
    Random random = new Random(1);
    for (int i = mdat + (int) ((moov - mdat) * 0.4); i < moov - 8; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    String path = "uploads/" + user.uid() + "/tail.mp4";
    CdnFixtures.upload(bed, path, bytes);
    QueuedTasks.Task task = queue(bed, path);
    String assetId = assetId(task);
    TranscodeVideo worker = new TranscodeVideo(bed.platform, bed.root.cdn());

    FakeExchange.Response r = QueuedTasks.deliver(worker, task, 0);

    assertEquals(200, r.status(), "a user's bad file is not retried: " + r.body());
    assertEquals("failed", r.json().get("outcome").getAsString());
    DocumentSnapshot doc = asset(bed, assetId);
    assertEquals("failed", doc.getString("status"));
    String reason = doc.getString("failureReason");
    assertTrue(reason.contains("could not be decoded"), reason);
    assertFalse(
        reason.contains("/") || reason.contains("ffmpeg") || reason.contains("Invalid"),
        "a plain reason, no path or tool output: " + reason);
    assertNull(doc.get("deadLettered"));
    assertNull(CdnFixtures.blob(bed, path), "the original is deleted after a failure too");
    assertEquals(List.of(), CdnFixtures.objects(bed, "media/videos/" + assetId + "/"));
    FakeExchange.Response poll = uploadVideo(bed, path);
    assertEquals(200, poll.status(), poll.body());
    assertEquals(
        "failed",
        poll.result().getAsJsonObject().get("status").getAsString(),
        "polling sees the outcome");
    assertEquals(reason, poll.result().getAsJsonObject().get("failureReason").getAsString());
  }

  @Test
  void theLastAttemptDeadLettersTheAsset() throws Exception {
    // An ffmpeg that crashes (SIGSEGV) on every ladder run, but probes and decodes normally.
    Path crashing = tmp.resolve("ffmpeg-crashing");
    Files.writeString(
        crashing,
        """
        #!/bin/sh
        for a in "$@"; do
          if [ "$a" = "-master_pl_name" ]; then kill -SEGV $$; fi
        done
        exec %s "$@"
        """
            .formatted(MediaFixtures.which("ffmpeg")));
    Files.setPosixFilePermissions(crashing, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestBed bed =
        CdnFixtures.bed(purger, tasks)
            .env(
                Map.of(
                    "VIDEO_X264_PRESET",
                    "ultrafast",
                    "FFMPEG_PATH",
                    crashing.toString(),
                    "VIDEO_TRANSCODE_MAX_ATTEMPTS",
                    "3"))
            .build();
    String path = uploadClip(bed, "crash.mp4");
    QueuedTasks.Task task = queue(bed, path);
    String assetId = assetId(task);

    TranscodeVideo worker = new TranscodeVideo(bed.platform, bed.root.cdn());
    List<FakeExchange.Response> answers = new ArrayList<>();
    for (int retry = 0; retry < 5; retry++) { // a queue allowing more attempts than the worker
      answers.add(QueuedTasks.deliver(worker, task, retry));
      if (answers.get(retry).status() == 200) {
        break;
      }
    }

    assertEquals(
        List.of(500, 500, 200),
        answers.stream().map(FakeExchange.Response::status).toList(),
        "retried until the third (last) attempt: " + answers);
    assertEquals("dead_lettered", answers.get(2).json().get("outcome").getAsString());
    DocumentSnapshot doc = asset(bed, assetId);
    assertEquals("failed", doc.getString("status"));
    assertEquals(true, doc.getBoolean("deadLettered"));
    assertEquals(3L, doc.getLong("attempts"));
    assertEquals(
        "video processing failed 3 times; upload it again later", doc.getString("failureReason"));
    assertEquals(
        "video processing failed",
        doc.getString("lastError"),
        "our generic message, the details in the log");
    assertNull(CdnFixtures.blob(bed, path), "the original goes after the final failure");
    assertEquals(List.of(), CdnFixtures.objects(bed, "media/videos/" + assetId + "/"));
  }

  @Test
  void aDuplicateDeliveryOfAFinishedTaskDoesNothing() throws Exception {
    TestBed bed = CdnFixtures.bed(purger, tasks).env(FAST).build();
    String path = uploadClip(bed, "twice.mp4");
    QueuedTasks.Task task = queue(bed, path);
    TranscodeVideo worker = new TranscodeVideo(bed.platform, bed.root.cdn());
    assertEquals(200, QueuedTasks.deliver(worker, task, 0).status());
    DocumentSnapshot ready = asset(bed, assetId(task));
    List<String> objects = CdnFixtures.objects(bed, "media/videos/" + assetId(task) + "/");
    long writes = Emulators.firestoreWriteCount();

    // Cloud Tasks delivers at least once: the same task again, and once more as a retry.
    FakeExchange.Response again = QueuedTasks.deliver(worker, task, 0);
    FakeExchange.Response retried = QueuedTasks.deliver(worker, task, 1);

    for (FakeExchange.Response r : List.of(again, retried)) {
      assertEquals(200, r.status(), r.body());
      assertEquals("duplicate", r.json().get("outcome").getAsString());
    }
    assertEquals(writes, Emulators.firestoreWriteCount(), "no write");
    assertEquals(ready.getUpdateTime(), asset(bed, assetId(task)).getUpdateTime());
    assertEquals(objects, CdnFixtures.objects(bed, "media/videos/" + assetId(task) + "/"));
  }

  @Test
  void anEnqueueFailureFailsTheAssetAndDeletesTheOriginal() throws Exception {
    TestBed bed = CdnFixtures.bed(purger, tasks).env(FAST).build();
    String path = uploadClip(bed, "unqueued.mp4");
    tasks.failure = new IllegalStateException("Cloud Tasks refused the task: HTTP 503 UNAVAILABLE");

    FakeExchange.Response r = uploadVideo(bed, path);

    assertEquals(503, r.status(), r.body());
    assertEquals("UNAVAILABLE", r.errorStatus());
    assertFalse(
        r.body().contains("Cloud Tasks refused"),
        "the adapter's error stays in the log: " + r.body());
    String assetId =
        r.json().getAsJsonObject("error").getAsJsonObject("details").get("assetId").getAsString();
    DocumentSnapshot doc = asset(bed, assetId);
    assertEquals("failed", doc.getString("status"));
    assertEquals("the video could not be queued for processing", doc.getString("failureReason"));
    assertNull(CdnFixtures.blob(bed, path), "the original is deleted");
    assertTrue(tasks.all().isEmpty());

    // Uploaded again once the queue is back: a fresh claim under a fresh task name.
    tasks.failure = null;
    uploadClip(bed, "unqueued.mp4");
    QueuedTasks.Task task = queue(bed, path);
    assertEquals(assetId, assetId(task));
    assertEquals(
        200,
        QueuedTasks.deliver(new TranscodeVideo(bed.platform, bed.root.cdn()), task, 0).status());
    assertEquals("ready", asset(bed, assetId).getString("status"));
  }

  @Test
  void aTaskOfAnOlderClaimDoesNothing() throws Exception {
    TestBed bed = CdnFixtures.bed(purger, tasks).env(FAST).build();
    String path = uploadClip(bed, "claims.mp4");
    QueuedTasks.Task task = queue(bed, path);
    QueuedTasks.Task stale =
        new QueuedTasks.Task(
            task.queue(),
            task.function(),
            task.body().replace(task.name(), assetId(task) + "-0000000000000000"),
            assetId(task) + "-0000000000000000");
    long writes = Emulators.firestoreWriteCount();

    FakeExchange.Response r =
        QueuedTasks.deliver(new TranscodeVideo(bed.platform, bed.root.cdn()), stale, 0);

    assertEquals(200, r.status(), r.body());
    assertEquals("superseded", r.json().get("outcome").getAsString());
    assertEquals(writes, Emulators.firestoreWriteCount());
    assertNotNull(CdnFixtures.blob(bed, path), "the current claim's original is untouched");
  }

  @Test
  void progressIsWrittenOnTheAssetWhileTheLadderRuns() throws Exception {
    TestBed bed =
        CdnFixtures.bed(purger, tasks)
            .env(Map.of("VIDEO_X264_PRESET", "veryfast", "VIDEO_PROGRESS_INTERVAL_SECONDS", "1"))
            .build();
    Path clip =
        MediaFixtures.ffmpeg(
            tmp,
            "long.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1280x720:rate=25",
            "-t",
            "20",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast");
    String path = "uploads/" + user.uid() + "/long.mp4";
    CdnFixtures.upload(bed, path, MediaFixtures.read(clip));
    QueuedTasks.Task task = queue(bed, path);
    String assetId = assetId(task);

    CompletableFuture<FakeExchange.Response> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return QueuedTasks.deliver(
                    new TranscodeVideo(bed.platform, bed.root.cdn()), task, 0);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    List<Double> seen = new ArrayList<>();
    while (!run.isDone()) {
      DocumentSnapshot doc = asset(bed, assetId);
      Double p = doc.getDouble("progress");
      if ("processing".equals(doc.getString("status"))
          && p != null
          && (seen.isEmpty() || !p.equals(seen.get(seen.size() - 1)))) {
        seen.add(p);
      }
      Thread.sleep(100);
    }

    assertEquals(200, run.get().status(), run.get().body());
    assertTrue(
        seen.stream().anyMatch(p -> p > 0 && p < 1),
        "a progress between 0 and 1 was visible: " + seen);
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) >= seen.get(i - 1), "progress never goes back: " + seen);
    }
    assertEquals(1.0, asset(bed, assetId).getDouble("progress"));
  }

  private static int indexOf(byte[] bytes, String ascii) {
    byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

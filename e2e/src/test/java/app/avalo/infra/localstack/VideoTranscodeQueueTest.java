package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.CloudTasksQueue;
import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.TaskQueueConfig;
import app.avalo.infra.testing.AuthEmulator;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production Cloud Tasks adapter against the loopback fake of the Cloud Tasks API: the protocol
 * on its own (create, name dedup, unknown queue, retry headers, backoff, max attempts), and the
 * whole video flow through the dev server — uploadVideo → adapter → fake → the dev server's own
 * transcodeVideo → ready.
 */
class VideoTranscodeQueueTest {
  @TempDir Path tmp;

  private static CloudTasksQueue adapter(LocalCloudTasks fake, String workerBase, String invoker) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "GOOGLE_CLOUD_PROJECT",
                "demo-tasks",
                "CLOUD_TASKS_ENDPOINT",
                fake.endpoint(),
                "TASKS_TARGET_BASE_URL",
                workerBase,
                "CLOUD_TASKS_LOCATION",
                "europe-west3"));
    if (invoker != null) {
      env.put("TASKS_INVOKER_SERVICE_ACCOUNT", invoker);
    }
    ConfigReader reader = new ConfigReader(env);
    TaskQueueConfig config = TaskQueueConfig.read(reader, AppConfig.read(reader, env));
    reader.throwIfInvalid();
    return CloudTasksQueue.configured(config, "demo-tasks", Duration.ofSeconds(60));
  }

  @Test
  void theAdapterSpeaksTheCloudTasksProtocolAndTheFakeRetriesWithBackoff() throws Exception {
    // A worker that answers 503, then 500, then succeeds.
    List<Map<String, String>> deliveries = Collections.synchronizedList(new ArrayList<>());
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger calls = new AtomicInteger();
    HttpServer worker =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    worker.createContext(
        "/",
        exchange -> {
          Map<String, String> headers = new HashMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
          headers.put(":path", exchange.getRequestURI().getPath());
          deliveries.add(headers);
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          int status = calls.incrementAndGet() <= 2 ? (calls.get() == 1 ? 503 : 500) : 204;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    worker.start();
    try (LocalCloudTasks fake = LocalCloudTasks.start()) {
      fake.queue(
          "jobs",
          new LocalCloudTasks.RetryConfig(4, Duration.ofMillis(200), Duration.ofSeconds(2), 3));
      CloudTasksQueue queue =
          adapter(
              fake,
              "http://127.0.0.1:" + worker.getAddress().getPort(),
              "tasks-invoker@demo-tasks.iam.gserviceaccount.com");

      assertTrue(queue.enqueue("jobs", "doWork", Map.of("assetId", "a1"), "task-1"));
      assertFalse(
          queue.enqueue("jobs", "doWork", Map.of("assetId", "a1"), "task-1"),
          "409 ALREADY_EXISTS is success");
      IllegalStateException unknown =
          assertThrows(
              IllegalStateException.class,
              () -> queue.enqueue("no-such-queue", "doWork", Map.of(), "task-2"));
      assertTrue(
          unknown.getMessage().contains("HTTP 404") && unknown.getMessage().contains("NOT_FOUND"),
          unknown.getMessage());

      LocalCloudTasks.Task task = fake.awaitFinished("task-1", Duration.ofSeconds(20));

      assertEquals(LocalCloudTasks.State.SUCCEEDED, task.state());
      assertEquals(
          List.of(
              "200 projects/demo-tasks/locations/europe-west3/queues/jobs/tasks/task-1",
              "409 projects/demo-tasks/locations/europe-west3/queues/jobs/tasks/task-1",
              "404 projects/demo-tasks/locations/europe-west3/queues/no-such-queue"),
          fake.createLog());
      assertEquals(3, deliveries.size(), "two failures, then the success: " + deliveries);
      for (int i = 0; i < 3; i++) {
        Map<String, String> h = deliveries.get(i);
        assertEquals("/doWork", h.get(":path"));
        assertEquals(Integer.toString(i), h.get("x-cloudtasks-taskretrycount"));
        assertEquals("jobs", h.get("x-cloudtasks-queuename"));
        assertEquals("task-1", h.get("x-cloudtasks-taskname"));
        assertEquals("application/json", h.get("content-type"));
        assertEquals("{\"assetId\":\"a1\"}", bodies.get(i));
      }
      assertEquals(
          "0",
          deliveries.get(1).get("x-cloudtasks-taskexecutioncount"),
          "a 5xx is not an execution");
      assertEquals("503", deliveries.get(1).get("x-cloudtasks-taskpreviousresponse"));
      List<LocalCloudTasks.Attempt> attempts = task.attempts();
      assertTrue(
          Duration.between(attempts.get(0).at(), attempts.get(1).at()).toMillis() >= 190,
          "min backoff");
      assertTrue(
          Duration.between(attempts.get(1).at(), attempts.get(2).at()).toMillis() >= 390,
          "doubled");
      assertEquals(
          "tasks-invoker@demo-tasks.iam.gserviceaccount.com",
          task.oidcToken().get("serviceAccountEmail").getAsString());
      assertEquals(
          task.url().toString(),
          task.oidcToken().get("audience").getAsString(),
          "audience = the worker URL");
      assertEquals(Duration.ofSeconds(60), task.dispatchDeadline());

      // A worker that never succeeds: dropped after the queue's max attempts.
      calls.set(-100);
      fake.queue(
          "short",
          new LocalCloudTasks.RetryConfig(2, Duration.ofMillis(50), Duration.ofMillis(50), 0));
      worker.removeContext("/");
      worker.createContext(
          "/",
          exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
          });
      assertTrue(queue.enqueue("short", "doWork", Map.of(), "task-3"));
      LocalCloudTasks.Task exhausted = fake.awaitFinished("task-3", Duration.ofSeconds(10));
      assertEquals(LocalCloudTasks.State.EXHAUSTED, exhausted.state());
      assertEquals(2, exhausted.attempts().size());
    } finally {
      worker.stop(0);
    }
  }

  @Test
  void anUploadedVideoIsTranscodedThroughTheQueueByTheDevServersWorker() throws Exception {
    DevServer server = LocalStack.server();
    AuthEmulator.User user = AuthEmulator.newUser();
    Path clip =
        ffmpeg(
            "clip.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=640x360:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000",
            "-t",
            "4",
            "-shortest",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac");
    Storage storage = server.platform().storage();
    String uploadBucket = server.root().cdn().config().uploadBucket();
    String path = "uploads/" + user.uid() + "/queued.mp4";
    storage.create(
        BlobInfo.newBuilder(BlobId.of(uploadBucket, path)).build(), Files.readAllBytes(clip));
    // The demo seed (which other tests on this shared dev server may have run) leaves the video
    // budget
    // throttled on purpose; an admin's override lets uploads through, as it would in production.
    LocalStack.Exchange override =
        LocalStack.send(
            "POST",
            "/disableThrottling",
            "application/json",
            "{\"data\":{\"service\":\"video\",\"durationMinutes\":2,\"reason\":\"VideoTranscodeQueueTest\"}}",
            AuthEmulator.newAdmin().idToken());
    assertEquals(200, override.status(), override.body());

    JsonObject first = call(user, path);

    assertEquals("processing", first.get("status").getAsString(), first.toString());
    String assetId = first.get("assetId").getAsString();
    LocalCloudTasks.Task task =
        server.cloudTasks().tasks().stream()
            .filter(t -> t.shortName().startsWith(assetId + "-"))
            .findFirst()
            .orElseThrow();
    assertEquals(server.baseUrl() + "/transcodeVideo", task.url().toString());
    assertNull(task.oidcToken(), "no invoker account locally");
    assertEquals(Duration.ofMinutes(27), task.dispatchDeadline(), "the ladder's 1500 s + 2 min");
    LocalCloudTasks.Task done =
        server.cloudTasks().awaitFinished(task.shortName(), Duration.ofMinutes(3));
    assertEquals(LocalCloudTasks.State.SUCCEEDED, done.state(), done.attempts().toString());
    assertEquals(1, done.attempts().size());
    assertEquals(200, done.attempts().get(0).status());

    JsonObject ready = call(user, path);
    assertEquals("ready", ready.get("status").getAsString(), ready.toString());
    assertEquals(640, ready.get("width").getAsInt());
    assertTrue(
        ready
            .get("playlistUrl")
            .getAsString()
            .endsWith("/media/videos/" + assetId + "/hls/master.m3u8"));
    assertNull(storage.get(BlobId.of(uploadBucket, path)), "the original is gone once transcoded");
    LocalStack.Exchange playlist =
        LocalStack.send(
            "GET", localPath(ready.get("playlistUrl").getAsString(), server), null, null, null);
    assertEquals(200, playlist.status(), "the playlist is served: " + playlist.body());
    assertTrue(playlist.body().startsWith("#EXTM3U"), playlist.body());
  }

  private static String localPath(String url, DevServer server) {
    assertTrue(url.startsWith(server.baseUrl()), url);
    return url.substring(server.baseUrl().length());
  }

  private static JsonObject call(AuthEmulator.User user, String path) throws Exception {
    LocalStack.Exchange r =
        LocalStack.send(
            "POST",
            "/uploadVideo",
            "application/json",
            "{\"data\":{\"path\":\"" + path + "\"}}",
            user.idToken());
    assertEquals(200, r.status(), r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("result");
  }

  private Path ffmpeg(String output, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"));
    command.addAll(List.of(args));
    command.add(tmp.resolve(output).toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg timed out");
    assertEquals(0, p.exitValue(), log);
    return tmp.resolve(output);
  }
}

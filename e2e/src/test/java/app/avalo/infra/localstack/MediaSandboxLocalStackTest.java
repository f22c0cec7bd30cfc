package app.avalo.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack from issue 14, through the dev server: an HLS playlist naming a media file on the
 * server's disk, sent inline to {@code optimizeVoice} and as an upload to {@code uploadVideo}, is
 * refused with 400 and publishes nothing (before the fix it came back {@code ready} with the
 * server's file on the CDN).
 */
class MediaSandboxLocalStackTest {
  @TempDir Path tmp;

  @Test
  void aPlaylistNamingAServerFileIsRefusedThroughTheDevServer() throws Exception {
    DevServer server = LocalStack.server();
    AuthEmulator.User user = AuthEmulator.newUser();
    Path mp3 = ffmpeg("server-file.mp3", "-f", "lavfi", "-i", "sine=frequency=777:duration=3");
    Path ts =
        ffmpeg(
            "server-file.ts",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-t",
            "3",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast");
    Storage storage = server.platform().storage();
    String bucket = server.root().cdn().config().mediaBucket();
    String uploadBucket = server.root().cdn().config().uploadBucket();
    long writes = Emulators.firestoreWriteCount();

    String voiceBody =
        "{\"data\":{\"data\":\"" + Base64.getEncoder().encodeToString(playlist(mp3)) + "\"}}";
    LocalStack.Exchange voice =
        LocalStack.send("POST", "/optimizeVoice", "application/json", voiceBody, user.idToken());

    String upload = "uploads/" + user.uid() + "/clip.mp4";
    storage.create(BlobInfo.newBuilder(BlobId.of(uploadBucket, upload)).build(), playlist(ts));
    LocalStack.Exchange video =
        LocalStack.send(
            "POST",
            "/uploadVideo",
            "application/json",
            "{\"data\":{\"path\":\"" + upload + "\"}}",
            user.idToken());

    for (LocalStack.Exchange r : List.of(voice, video)) {
      assertEquals(400, r.status(), r.body());
      JsonObject error =
          JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("error");
      assertEquals("INVALID_ARGUMENT", error.get("status").getAsString());
      String message = error.get("message").getAsString();
      assertTrue(message.contains("is not a supported"), message);
      assertFalse(message.contains(tmp.toString()) || message.contains("ffmpeg"), message);
    }
    assertEquals(writes, Emulators.firestoreWriteCount(), "no asset record");
    List<String> media = new ArrayList<>();
    storage
        .list(bucket, Storage.BlobListOption.prefix("media/"))
        .iterateAll()
        .forEach(b -> media.add(b.getName()));
    assertEquals(List.of(), media, "nothing published");
    assertEquals(
        null, storage.get(BlobId.of(uploadBucket, upload)), "the refused original is deleted");
  }

  private static byte[] playlist(Path entry) {
    return ("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:3.0,\nfile://"
            + entry.toAbsolutePath()
            + "\n#EXT-X-ENDLIST\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private Path ffmpeg(String output, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"));
    command.addAll(List.of(args));
    command.add(tmp.resolve(output).toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg timed out");
    assertEquals(0, p.exitValue(), "this test needs ffmpeg on PATH: " + log);
    return tmp.resolve(output);
  }
}

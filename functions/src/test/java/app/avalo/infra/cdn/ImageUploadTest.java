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
import com.google.cloud.storage.Blob;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ImageUploadTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();
  @RegisterExtension final TestBed bed = CdnFixtures.bed(purger, tasks).build();
  private final AuthEmulator.User user = AuthEmulator.newUser();
  @TempDir Path tmp;

  private FakeExchange.Response upload(String dataJson) throws Exception {
    return FakeExchange.post()
        .bearer(user.idToken())
        .data(dataJson)
        .send(new UploadImage(bed.platform, bed.root.cdn()));
  }

  private static String inline(byte[] bytes) {
    return CdnFixtures.json("data", Base64.getEncoder().encodeToString(bytes));
  }

  @Test
  void rotatedPhotoWithGpsIsStoredUprightWithoutAnyMetadata() throws Exception {
    // 1200×800 pixels that the camera marked "rotate 90° clockwise to display" (orientation 6).
    byte[] photo =
        MediaFixtures.withExif(
            MediaFixtures.jpeg(MediaFixtures.quadrants(1200, 800)), 6, 52.52, 13.40);
    assertTrue(
        new String(photo, StandardCharsets.ISO_8859_1).contains("AvaloTestCam"),
        "fixture carries EXIF");

    var response = upload(inline(photo));

    assertEquals(200, response.status(), response.body());
    JsonObject result = response.result().getAsJsonObject();
    assertEquals(800, result.get("width").getAsInt());
    assertEquals(1200, result.get("height").getAsInt());
    assertEquals("jpeg", result.get("sourceFormat").getAsString());
    String assetId = result.get("assetId").getAsString();
    DocumentSnapshot doc = bed.db.collection("cdnAssets").document(assetId).get().get();
    assertEquals("ready", doc.getString("status"));
    assertEquals(user.uid(), doc.getString("owner"));
    assertEquals(6L, doc.getLong("orientation"));

    List<Map<String, Object>> variants = variants(doc);
    Set<String> seen = new HashSet<>();
    long total = 0;
    for (Map<String, Object> v : variants) {
      String path = (String) v.get("path");
      String format = (String) v.get("format");
      int width = ((Number) v.get("width")).intValue();
      int height = ((Number) v.get("height")).intValue();
      byte[] bytes = CdnFixtures.object(bed, path);
      assertEquals(((Number) v.get("bytes")).longValue(), bytes.length, path);
      total += bytes.length;
      seen.add(v.get("name") + "/" + format);
      assertEquals(format, sniff(bytes), path);
      int[] size = dimensions(bytes, format);
      assertEquals(width, size[0], path + " width");
      assertEquals(height, size[1], path + " height");
      assertTrue(height > width, "portrait after orientation: " + path);
      String name = (String) v.get("name");
      int longEdge = Math.max(width, height);
      assertEquals(
          name.equals("full") ? 1200 : Integer.parseInt(name.substring(1)), longEdge, path);
      assertNoMetadata(bytes, format, path);
      Blob blob = CdnFixtures.blob(bed, path);
      assertEquals("public, max-age=86400", blob.getCacheControl(), path);
      assertEquals(v.get("contentType"), blob.getContentType());
      assertEquals(user.uid(), blob.getMetadata().get("owner"));
      assertEquals(assetId, blob.getMetadata().get("assetId"));
    }
    assertEquals(total, doc.getLong("totalBytes"));
    for (String size : List.of("s150", "s300", "s600", "full")) {
      assertTrue(
          seen.contains(size + "/webp") && seen.contains(size + "/jpeg"), size + " in " + seen);
      assertTrue(
          seen.contains(size + "/avif"),
          "ffmpeg with an AV1 encoder is installed, so AVIF is made: " + seen);
    }
    assertEquals(12, variants.size());
    assertEquals(12, CdnFixtures.objects(bed, "media/images/" + assetId + "/").size());

    // Upright: the displayed top-left is what was the bottom-left (blue), top-right was top-left
    // (red).
    BufferedImage full =
        ImageIO.read(
            new ByteArrayInputStream(CdnFixtures.object(bed, pathOf(variants, "full", "jpeg"))));
    assertColor(MediaFixtures.BOTTOM_LEFT, full.getRGB(200, 300));
    assertColor(MediaFixtures.TOP_LEFT, full.getRGB(600, 300));
    assertColor(MediaFixtures.BOTTOM_RIGHT, full.getRGB(200, 900));
    assertColor(MediaFixtures.TOP_RIGHT, full.getRGB(600, 900));

    String placeholder = doc.getString("placeholder");
    assertTrue(placeholder.startsWith("data:image/jpeg;base64,"));
    assertTrue(placeholder.length() < 2000, "LQIP stays tiny: " + placeholder.length());
    byte[] lqip = Base64.getDecoder().decode(placeholder.substring(placeholder.indexOf(',') + 1));
    BufferedImage tiny = ImageIO.read(new ByteArrayInputStream(lqip));
    assertEquals(20, Math.max(tiny.getWidth(), tiny.getHeight()));
    assertTrue(tiny.getHeight() > tiny.getWidth());
    assertNoMetadata(lqip, "jpeg", "placeholder");
  }

  @Test
  void imagesLargerThan4kAreDownscaledTo3840() throws Exception {
    var response = upload(inline(MediaFixtures.png(MediaFixtures.quadrants(5000, 2500))));

    assertEquals(200, response.status(), response.body());
    JsonObject result = response.result().getAsJsonObject();
    assertEquals(3840, result.get("width").getAsInt());
    assertEquals(1920, result.get("height").getAsInt());
    for (JsonElement e : result.getAsJsonArray("variants")) {
      JsonObject v = e.getAsJsonObject();
      assertTrue(
          v.get("url").getAsString().startsWith(CdnFixtures.CDN + "/media/images/"), v.toString());
      if (v.get("name").getAsString().equals("full")) {
        String path = v.get("url").getAsString().substring(CdnFixtures.CDN.length() + 1);
        int[] size = dimensions(CdnFixtures.object(bed, path), v.get("format").getAsString());
        assertEquals(3840, size[0]);
        assertEquals(1920, size[1]);
      }
    }
  }

  @Test
  void cmykJpegIsConvertedToRgb() throws Exception {
    byte[] cmyk = MediaFixtures.cmykJpeg(640, 480);
    assertEquals(
        4, MediaFixtures.jpegComponents(cmyk), "the fixture really is a 4-channel (CMYK) JPEG");

    var response = upload(inline(cmyk));

    assertEquals(200, response.status(), response.body());
    String assetId = response.result().getAsJsonObject().get("assetId").getAsString();
    List<Map<String, Object>> variants =
        variants(bed.db.collection("cdnAssets").document(assetId).get().get());
    byte[] jpeg = CdnFixtures.object(bed, pathOf(variants, "full", "jpeg"));
    assertEquals(3, MediaFixtures.jpegComponents(jpeg), "delivered as RGB/YCbCr");
    BufferedImage full = ImageIO.read(new ByteArrayInputStream(jpeg));
    assertColor(Color.CYAN, full.getRGB(100, 240));
    assertColor(Color.MAGENTA, full.getRGB(540, 240));
  }

  @Test
  void pngWithAlphaKeepsTransparencyInWebpAndGetsWhiteInJpeg() throws Exception {
    var response = upload(inline(MediaFixtures.png(MediaFixtures.halfTransparent(400, 400))));

    assertEquals(200, response.status(), response.body());
    JsonObject result = response.result().getAsJsonObject();
    String assetId = result.get("assetId").getAsString();
    DocumentSnapshot doc = bed.db.collection("cdnAssets").document(assetId).get().get();
    assertEquals(true, doc.getBoolean("alpha"));
    List<Map<String, Object>> variants = variants(doc);
    BufferedImage webp =
        ImageIO.read(
            new ByteArrayInputStream(CdnFixtures.object(bed, pathOf(variants, "full", "webp"))));
    assertTrue(webp.getColorModel().hasAlpha());
    assertEquals(0, webp.getRGB(200, 50) >>> 24, "top half stays transparent");
    assertEquals(0xFF, webp.getRGB(200, 350) >>> 24, "bottom half stays opaque");
    BufferedImage jpeg =
        ImageIO.read(
            new ByteArrayInputStream(CdnFixtures.object(bed, pathOf(variants, "full", "jpeg"))));
    assertColor(Color.WHITE, jpeg.getRGB(200, 50));
    assertColor(Color.BLUE, jpeg.getRGB(200, 350));
    assertTrue(
        variants.stream().noneMatch(v -> v.get("format").equals("avif")),
        "no AVIF for transparent images");
    assertTrue(
        result.get("notes").toString().contains("transparency"), result.get("notes").toString());
    // 400 px long edge: thumbnails 150 and 300 only, never an upscaled 600.
    assertTrue(variants.stream().noneMatch(v -> v.get("name").equals("s600")));
    assertEquals(
        List.of("full", "s150", "s300"),
        variants.stream().map(v -> (String) v.get("name")).distinct().sorted().toList());
  }

  @Test
  void webpAndGifInputsAreRecognisedByTheirBytes() throws Exception {
    var webp = upload(inline(MediaFixtures.webp(MediaFixtures.quadrants(320, 200))));
    assertEquals(200, webp.status(), webp.body());
    assertEquals("webp", webp.result().getAsJsonObject().get("sourceFormat").getAsString());
    var gif = upload(inline(MediaFixtures.gif(MediaFixtures.quadrants(320, 200))));
    assertEquals(200, gif.status(), gif.body());
    assertEquals("gif", gif.result().getAsJsonObject().get("sourceFormat").getAsString());
    assertEquals(320, gif.result().getAsJsonObject().get("width").getAsInt());
  }

  @Test
  void originalFromOwnUploadPathIsProcessedAndThenDeleted() throws Exception {
    String path = "uploads/" + user.uid() + "/camera/IMG_0001.jpg";
    CdnFixtures.upload(
        bed,
        path,
        MediaFixtures.withExif(MediaFixtures.jpeg(MediaFixtures.quadrants(900, 600)), 1, 1.0, 2.0));

    var response = upload(CdnFixtures.json("path", path));

    assertEquals(200, response.status(), response.body());
    assertEquals(900, response.result().getAsJsonObject().get("width").getAsInt());
    assertNull(
        CdnFixtures.blob(bed, path), "the original (with its GPS block) is removed once processed");
    String assetId = response.result().getAsJsonObject().get("assetId").getAsString();
    assertEquals(
        path, bed.db.collection("cdnAssets").document(assetId).get().get().getString("source"));
  }

  @Test
  void badInputIsRefusedAndWritesNothing() throws Exception {
    AuthEmulator.User other = AuthEmulator.newUser();
    CdnFixtures.upload(
        bed,
        "uploads/" + other.uid() + "/x.jpg",
        MediaFixtures.jpeg(MediaFixtures.quadrants(100, 100)));
    CdnFixtures.upload(bed, "uploads/" + user.uid() + "/empty.jpg", new byte[0]);
    byte[] jpeg = MediaFixtures.jpeg(MediaFixtures.quadrants(800, 600));
    record Case(String data, int status, String errorStatus, String messagePart) {}
    List<Case> cases =
        List.of(
            new Case(
                inline("just some text, not an image".getBytes(StandardCharsets.UTF_8)),
                400,
                "INVALID_ARGUMENT",
                "not a supported image"),
            new Case(CdnFixtures.json("data", ""), 400, "INVALID_ARGUMENT", "data"),
            new Case(
                inline(MediaFixtures.pngHeaderOnly(80_000, 80_000)),
                400,
                "INVALID_ARGUMENT",
                "80000 × 80000"),
            new Case(
                inline(MediaFixtures.truncated(jpeg)),
                400,
                "INVALID_ARGUMENT",
                "truncated or corrupt"),
            new Case(
                inline(
                    MediaFixtures.truncated(MediaFixtures.png(MediaFixtures.quadrants(800, 600)))),
                400,
                "INVALID_ARGUMENT",
                "truncated or corrupt"),
            new Case(
                CdnFixtures.json("data", "%%%not-base64%%%"), 400, "INVALID_ARGUMENT", "base64"),
            new Case(
                CdnFixtures.json("path", "uploads/" + user.uid() + "/../" + other.uid() + "/x.jpg"),
                400,
                "INVALID_ARGUMENT",
                "traversal"),
            new Case(CdnFixtures.json("path", "/etc/passwd"), 400, "INVALID_ARGUMENT", "path"),
            new Case(
                CdnFixtures.json("path", "uploads/" + other.uid() + "/x.jpg"),
                403,
                "PERMISSION_DENIED",
                "another user"),
            new Case(
                CdnFixtures.json("path", "uploads/" + user.uid() + "/empty.jpg"),
                400,
                "INVALID_ARGUMENT",
                "empty"),
            new Case(
                CdnFixtures.json("path", "uploads/" + user.uid() + "/missing.jpg"),
                404,
                "NOT_FOUND",
                "no uploaded object"),
            new Case(
                CdnFixtures.json(
                    "data",
                    Base64.getEncoder().encodeToString(jpeg),
                    "path",
                    "uploads/" + user.uid() + "/a.jpg"),
                400,
                "INVALID_ARGUMENT",
                "exactly one"));
    long writesBefore = Emulators.firestoreWriteCount();
    for (Case c : cases) {
      var response = upload(c.data());
      assertEquals(c.status(), response.status(), c.messagePart() + ": " + response.body());
      assertEquals(c.errorStatus(), response.errorStatus(), response.body());
      assertTrue(response.errorMessage().contains(c.messagePart()), response.errorMessage());
    }
    assertEquals(
        writesBefore,
        Emulators.firestoreWriteCount(),
        "refused uploads write nothing to Firestore");
    assertTrue(
        CdnFixtures.objects(bed, "media/").isEmpty(), "refused uploads write nothing to storage");
    assertNotNull(
        CdnFixtures.blob(bed, "uploads/" + other.uid() + "/x.jpg"),
        "another user's object is untouched");
  }

  @Test
  void anonymousCallersAreRejected() throws Exception {
    var response =
        FakeExchange.post()
            .data(inline(MediaFixtures.jpeg(MediaFixtures.quadrants(50, 50))))
            .send(new UploadImage(bed.platform, bed.root.cdn()));
    assertEquals(401, response.status());
  }

  static List<Map<String, Object>> variants(DocumentSnapshot doc) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list = (List<Map<String, Object>>) doc.get("variants");
    assertNotNull(list);
    return new ArrayList<>(list);
  }

  static String pathOf(List<Map<String, Object>> variants, String name, String format) {
    return variants.stream()
        .filter(v -> v.get("name").equals(name) && v.get("format").equals(format))
        .map(v -> (String) v.get("path"))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + "/" + format));
  }

  static String sniff(byte[] b) {
    if ((b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
      return "jpeg";
    }
    String head = new String(b, 0, 12, StandardCharsets.ISO_8859_1);
    if (head.startsWith("RIFF") && head.substring(8).equals("WEBP")) {
      return "webp";
    }
    if (head.substring(4, 12).equals("ftypavif")) {
      return "avif";
    }
    return "unknown";
  }

  /** Decodes an output (WebP/JPEG with ImageIO, AVIF with ffprobe) and returns its size. */
  int[] dimensions(byte[] bytes, String format) throws IOException {
    if (format.equals("avif")) {
      Path file = Files.createTempFile(tmp, "v", ".avif");
      Files.write(file, bytes);
      String out =
          MediaFixtures.run(
                  tmp,
                  "ffprobe",
                  "-v",
                  "error",
                  "-select_streams",
                  "v:0",
                  "-show_entries",
                  "stream=codec_name,width,height",
                  "-of",
                  "csv=p=0",
                  file.toString())
              .trim();
      String[] parts = out.split(",");
      assertEquals("av1", parts[0], out);
      return new int[] {Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
    }
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
    assertNotNull(img, "decodable " + format);
    return new int[] {img.getWidth(), img.getHeight()};
  }

  static void assertNoMetadata(byte[] bytes, String format, String what) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertFalse(text.contains("Exif\0"), what + " has an EXIF block");
    assertFalse(text.contains("AvaloTestCam"), what + " kept the camera make");
    assertFalse(text.contains("http://ns.adobe.com/xap"), what + " has XMP");
    switch (format) {
      case "jpeg" -> {
        for (String segment : MediaFixtures.jpegAppSegments(bytes)) {
          assertTrue(
              segment.equals("E0:JFIF"), what + " has an APP segment other than JFIF: " + segment);
        }
      }
      case "webp" -> {
        List<String> chunks = MediaFixtures.webpChunks(bytes);
        assertFalse(
            chunks.contains("EXIF") || chunks.contains("XMP ") || chunks.contains("ICCP"),
            what + ": " + chunks);
      }
      case "avif" -> assertFalse(text.contains("Exif"), what + " has an Exif item");
      default -> throw new AssertionError(format);
    }
  }

  static void assertColor(Color expected, int argb) {
    int r = (argb >> 16) & 0xFF;
    int g = (argb >> 8) & 0xFF;
    int b = argb & 0xFF;
    int distance =
        Math.abs(r - expected.getRed())
            + Math.abs(g - expected.getGreen())
            + Math.abs(b - expected.getBlue());
    assertTrue(
        distance < 90, "expected " + expected + " but got rgb(" + r + "," + g + "," + b + ")");
  }
}

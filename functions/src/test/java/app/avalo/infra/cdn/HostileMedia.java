package app.avalo.infra.cdn;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The hostile-media corpus, generated on the spot in a directory: playlists (HLS, concat) that name
 * a local marker file or a loopback HTTP server, the same playlists renamed {@code .mp4} / {@code
 * .avi}, an MP4 whose {@code mvhd}/{@code mdhd}/{@code tkhd} claim 2 s for 60 s of content,
 * huge-dimension PNG/WebP/JPEG headers, a real zlib decompression bomb, a truncated MP4, an MP4
 * whose frames are noise behind a valid index, an ID3-wrapped playlist (ffmpeg's own probing skips
 * ID3 and then sees HLS) and an ANSI text file (ffmpeg's {@code tty} demuxer). Every item must be
 * refused by every upload function.
 */
final class HostileMedia implements AutoCloseable {
  final Path dir;

  /** A real MP3 and a real MPEG-TS on this machine's disk that the playlists point at. */
  final Path markerAudio;

  final Path markerVideo;

  /** Counts every request to the loopback server the HTTP playlists name. */
  final AtomicInteger loopbackRequests = new AtomicInteger();

  private final HttpServer server;
  private final Map<String, byte[]> items = new LinkedHashMap<>();

  HostileMedia(Path dir) throws IOException {
    this.dir = dir;
    markerAudio =
        MediaFixtures.ffmpeg(
            dir, "marker.mp3", "-f", "lavfi", "-i", "sine=frequency=1234:duration=3");
    markerVideo =
        MediaFixtures.ffmpeg(
            dir,
            "marker.ts",
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
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          loopbackRequests.incrementAndGet();
          byte[] body = Files.readAllBytes(markerVideo);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    String http = "http://127.0.0.1:" + server.getAddress().getPort() + "/segment.ts";

    byte[] hlsAudio = hls("file://" + markerAudio.toAbsolutePath());
    byte[] hlsVideo = hls("file://" + markerVideo.toAbsolutePath());
    items.put("hls-local-audio.m3u8", hlsAudio);
    items.put("hls-local-video.m3u8", hlsVideo);
    items.put("hls-local-video.mp4", hlsVideo);
    items.put("hls-local-audio.avi", hlsAudio);
    items.put("hls-loopback-http.m3u8", hls(http));
    items.put("concat-local.txt", concat(markerVideo.toAbsolutePath().toString()));
    items.put("concat-loopback-http.mp4", concat(http));
    items.put("duration-lie.mp4", durationLie(dir));
    items.put("png-huge-header.png", MediaFixtures.pngHeaderOnly(80_000, 80_000));
    items.put("webp-huge-header.webp", webpHugeHeader());
    items.put("jpeg-huge-header.jpg", jpegHugeHeader());
    items.put("png-decompression-bomb.png", pngBomb(12_000, 12_000));
    items.put("truncated.mp4", truncatedMp4(dir));
    items.put("garbage-frames.mp4", garbageFrames(dir));
    items.put("polyglot-id3-hls.mp3", id3Wrapped(hlsAudio));
    items.put(
        "ansi-art.ans",
        "\u001b[31mred\u001b[0m text for the tty demuxer\n".getBytes(StandardCharsets.UTF_8));
  }

  /** Item name → bytes, in a stable order. */
  Map<String, byte[]> items() {
    return items;
  }

  /** Writes an item to {@code dir} under its name (for the unfenced control probes). */
  Path file(String name) {
    Path file = dir.resolve("item-" + name);
    try {
      Files.write(file, items.get(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  static byte[] hls(String entry) {
    return ("#EXTM3U\n"
            + "#EXT-X-VERSION:3\n"
            + "#EXT-X-TARGETDURATION:10\n"
            + "#EXT-X-MEDIA-SEQUENCE:0\n"
            + "#EXTINF:3.0,\n"
            + entry
            + "\n#EXT-X-ENDLIST\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(String entry) {
    return ("ffconcat version 1.0\nfile '" + entry + "'\n").getBytes(StandardCharsets.UTF_8);
  }

  /** An ID3v2.4 tag (10 bytes of padding) with a playlist after it. */
  static byte[] id3Wrapped(byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 10});
    out.writeBytes(new byte[10]);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /**
   * 60 s of real video and audio whose movie, media and track headers all say 2 s: the probe alone
   * would pass a 10 s cap and the transcode would then run a minute.
   */
  static byte[] durationLie(Path dir) {
    Path clip =
        MediaFixtures.ffmpeg(
            dir,
            "sixty.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=15",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=60",
            "-t",
            "60",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart");
    byte[] b = MediaFixtures.read(clip);
    int mvhd = indexOf(b, "mvhd", 0);
    ByteBuffer buf = ByteBuffer.wrap(b);
    int movieScale = buf.getInt(mvhd + 16);
    buf.putInt(mvhd + 20, movieScale * 2);
    for (int at = indexOf(b, "mdhd", 0); at >= 0; at = indexOf(b, "mdhd", at + 4)) {
      buf.putInt(at + 20, buf.getInt(at + 16) * 2); // version 0: timescale at +16, duration at +20
    }
    for (int at = indexOf(b, "tkhd", 0); at >= 0; at = indexOf(b, "tkhd", at + 4)) {
      buf.putInt(at + 24, movieScale * 2); // version 0: duration after ids, in the movie timescale
    }
    return b;
  }

  /**
   * A 10 s MP4 with its index up front, cut in half: the index promises frames that are not there.
   */
  static byte[] truncatedMp4(Path dir) {
    Path clip =
        MediaFixtures.ffmpeg(
            dir,
            "ten.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=10",
            "-t",
            "10",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart");
    byte[] b = MediaFixtures.read(clip);
    return Arrays.copyOf(b, b.length / 2);
  }

  /**
   * A valid MP4 index over frames overwritten with noise: it probes fine and decodes to nothing.
   */
  static byte[] garbageFrames(Path dir) {
    Path clip =
        MediaFixtures.ffmpeg(
            dir,
            "four.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=4",
            "-t",
            "4",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart");
    byte[] b = MediaFixtures.read(clip);
    Random noise = new Random(1);
    for (int i = indexOf(b, "mdat", 0) + 4; i < b.length; i++) {
      b[i] = (byte) noise.nextInt(256);
    }
    return b;
  }

  /** A WebP whose extended header (VP8X) declares a 16384 × 16384 canvas (268 MP). */
  static byte[] webpHugeHeader() {
    ByteBuffer vp8x = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    vp8x.put((byte) 0).put(new byte[3]);
    put24(vp8x, 16_383);
    put24(vp8x, 16_383);
    // A tiny real lossless bitstream after the header, so only the dimensions are the lie.
    byte[] vp8l = {0x2F, 0, 0, 0, 0, 0x07, 0, 0, 0, 0};
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
    riffChunk(body, "VP8X", vp8x.array());
    riffChunk(body, "VP8L", vp8l);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(body.size()).array());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  /** A real small JPEG whose frame header (SOF0) is patched to 65 500 × 65 500. */
  static byte[] jpegHugeHeader() {
    byte[] jpeg = MediaFixtures.jpeg(MediaFixtures.quadrants(64, 64));
    for (int i = 2; i + 9 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
        ByteBuffer.wrap(jpeg).putShort(i + 5, (short) 65_500).putShort(i + 7, (short) 65_500);
        return jpeg;
      }
    }
    throw new AssertionError("no SOF0 in the fixture JPEG");
  }

  /** A genuine PNG of w × h black RGB pixels: a few hundred KB that inflate to w·h·3 bytes. */
  static byte[] pngBomb(int w, int h) {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (DeflaterOutputStream z =
        new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
      byte[] row = new byte[1 + w * 3];
      for (int y = 0; y < h; y++) {
        z.write(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    MediaFixtures.chunk(
        out,
        "IHDR",
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0)
            .array());
    MediaFixtures.chunk(out, "IDAT", idat.toByteArray());
    MediaFixtures.chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void put24(ByteBuffer b, int value) {
    b.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
  }

  private static void riffChunk(ByteArrayOutputStream out, String id, byte[] data) {
    out.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
    out.writeBytes(data);
    if (data.length % 2 == 1) {
      out.write(0);
    }
  }

  private static int indexOf(byte[] b, String box, int from) {
    byte[] name = box.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = Math.max(from, 4); i + 4 <= b.length; i++) {
      for (int j = 0; j < 4; j++) {
        if (b[i + j] != name[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

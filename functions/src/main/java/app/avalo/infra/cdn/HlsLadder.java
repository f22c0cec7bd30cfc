package app.avalo.infra.cdn;

import java.util.ArrayList;
import java.util.List;

/**
 * The adaptive ladder for one source: 1080p, 720p, 480p and 360p renditions, measured on the short
 * edge so portrait video works the same, never above the source (4K stops at 1080p). A source
 * smaller than 360p gets one rendition at its own size. Dimensions are even (H.264 4:2:0).
 */
final class HlsLadder {
  /** Short edge, video bitrate, audio bitrate. */
  private static final int[][] RUNGS = {
    {1080, 5_000_000, 128_000},
    {720, 2_800_000, 128_000},
    {480, 1_400_000, 96_000},
    {360, 800_000, 64_000}
  };

  private HlsLadder() {}

  /** One rendition: its name ({@code 720p}), output size and bitrates. */
  record Rendition(String name, int width, int height, long videoBitrate, long audioBitrate) {
    /** Peak bitrate declared to players (maxrate), video plus audio. */
    long bandwidth() {
      return videoBitrate * 107 / 100 + audioBitrate;
    }
  }

  static List<Rendition> forSource(int width, int height) {
    int shortEdge = Math.min(width, height);
    List<Rendition> ladder = new ArrayList<>();
    for (int[] rung : RUNGS) {
      if (rung[0] <= shortEdge) {
        ladder.add(scaled(rung[0] + "p", width, height, rung[0], rung[1], rung[2]));
      }
    }
    if (ladder.isEmpty()) {
      int edge = Math.max(2, shortEdge - shortEdge % 2);
      ladder.add(scaled(edge + "p", width, height, edge, 600_000, 64_000));
    }
    return ladder;
  }

  private static Rendition scaled(
      String name, int width, int height, int shortEdge, long video, long audio) {
    boolean landscape = width >= height;
    int longEdge = even((double) Math.max(width, height) * shortEdge / Math.min(width, height));
    return landscape
        ? new Rendition(name, longEdge, shortEdge, video, audio)
        : new Rendition(name, shortEdge, longEdge, video, audio);
  }

  private static int even(double v) {
    int n = (int) Math.round(v);
    return Math.max(2, n - n % 2);
  }
}

package app.avalo.infra.cdn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The containers media tools may open, each with the ffmpeg demuxer pinned for it. The container is
 * recognised from the file's first bytes by this class, never by ffmpeg's own probing: ffmpeg would
 * happily pick {@code hls}, {@code concat}, {@code image2} or {@code tty} for a text file whatever
 * its name, and those demuxers open other files. Anything not listed here is refused.
 */
enum MediaContainer {
  /** ISO BMFF / QuickTime: MP4, MOV, M4A, 3GP (phones, browsers' MediaRecorder on Safari). */
  MOV("mov", "mov,mp4,m4a,3gp,3g2,mj2", "MP4/MOV"),
  /** Matroska and WebM (Android, browsers' MediaRecorder on Chrome/Firefox). */
  MATROSKA("matroska", "matroska,webm", "Matroska/WebM"),
  OGG("ogg", "ogg", "Ogg"),
  MP3("mp3", "mp3", "MP3"),
  WAV("wav", "wav", "WAV"),
  /** Raw ADTS AAC. */
  AAC("aac", "aac", "AAC (ADTS)"),
  FLAC("flac", "flac", "FLAC");

  /** How many leading bytes {@link #sniff} needs. */
  static final int HEAD_BYTES = 16;

  private final String demuxer;
  private final String formatName;
  private final String label;

  MediaContainer(String demuxer, String formatName, String label) {
    this.demuxer = demuxer;
    this.formatName = formatName;
    this.label = label;
  }

  /** For messages. */
  String label() {
    return label;
  }

  /** Whether the duration is declared in a header (and so can be checked against the packets). */
  boolean declaresDuration() {
    return this == MOV || this == MATROSKA;
  }

  /** The name given to ffmpeg's {@code -f}. */
  String demuxer() {
    return demuxer;
  }

  /** What ffprobe reports as {@code format_name} for this demuxer (also its whitelist entry). */
  String formatName() {
    return formatName;
  }

  /** The container the first bytes of a file announce, if it is one of ours. */
  static Optional<MediaContainer> sniff(byte[] head) {
    if (head.length >= 8 && isBoxType(Arrays.copyOfRange(head, 4, 8))) {
      return Optional.of(MOV);
    }
    if (startsWith(head, 0x1A, 0x45, 0xDF, 0xA3)) {
      return Optional.of(MATROSKA);
    }
    if (ascii(head, 0, "OggS")) {
      return Optional.of(OGG);
    }
    if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) {
      return Optional.of(WAV);
    }
    if (ascii(head, 0, "fLaC")) {
      return Optional.of(FLAC);
    }
    if (ascii(head, 0, "ID3")) {
      return Optional.of(MP3);
    }
    if (head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xE0) == 0xE0) {
      int layer = (head[1] >> 1) & 0x3;
      // A frame sync with layer bits 00 is ADTS (AAC); 01..11 are MPEG audio layers III..I.
      return Optional.of(layer == 0 && (head[1] & 0xF0) == 0xF0 ? AAC : MP3);
    }
    return Optional.empty();
  }

  /**
   * The first top-level box of an MP4/MOV: {@code ftyp} normally, the others in old QuickTime
   * files.
   */
  private static boolean isBoxType(byte[] type) {
    String name = new String(type, StandardCharsets.ISO_8859_1);
    return switch (name) {
      case "ftyp", "moov", "mdat", "free", "skip", "wide" -> true;
      default -> false;
    };
  }

  private static boolean ascii(byte[] head, int offset, String text) {
    byte[] want = text.getBytes(StandardCharsets.US_ASCII);
    if (head.length < offset + want.length) {
      return false;
    }
    return Arrays.equals(head, offset, offset + want.length, want, 0, want.length);
  }

  private static boolean startsWith(byte[] head, int... bytes) {
    if (head.length < bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if ((head[i] & 0xFF) != bytes[i]) {
        return false;
      }
    }
    return true;
  }
}

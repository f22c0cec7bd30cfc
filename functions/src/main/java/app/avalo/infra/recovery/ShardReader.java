package app.avalo.infra.recovery;

import app.avalo.infra.platform.Sha256;
import com.google.cloud.firestore.Firestore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/** Reads what {@link ShardWriter} wrote: checks the stored bytes, then decodes the wanted lines. */
final class ShardReader {
  private ShardReader() {}

  /** The documents a shard holds for the caller, and how many lines it has in all. */
  record Decoded(List<DocumentRecord> documents, long lines) {}

  /** True when the bytes are exactly the ones recorded (size and SHA-256). */
  static boolean matches(byte[] stored, long bytes, String sha256) {
    return stored.length == bytes && sha256(stored).equals(sha256);
  }

  static String sha256(byte[] bytes) {
    return Sha256.hex(bytes);
  }

  /**
   * Decodes the lines {@code wanted} accepts; every line is still parsed far enough to count it and
   * read its header. Throws IOException or {@link DocumentCodec.MalformedLineException} when the
   * content is not a shard.
   */
  static Decoded decode(byte[] gzipped, Firestore db, Predicate<DocumentCodec.Header> wanted)
      throws IOException {
    List<DocumentRecord> documents = new ArrayList<>();
    long lines = 0;
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(new ByteArrayInputStream(gzipped), 32 * 1024),
                StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines++;
        DocumentRecord doc = DocumentCodec.readLine(line, db, wanted);
        if (doc != null) {
          documents.add(doc);
        }
      }
    }
    return new Decoded(documents, lines);
  }
}

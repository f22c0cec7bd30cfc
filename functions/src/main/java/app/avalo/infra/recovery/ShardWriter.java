package app.avalo.infra.recovery;

import app.avalo.infra.platform.Sha256;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

/**
 * One shard being written: documents become lines, gzip-compressed, streamed to the object while
 * the SHA-256, CRC32C and size of the stored bytes are computed on the way out.
 */
final class ShardWriter implements AutoCloseable {
  private static final int GZIP_BUFFER = 32 * 1024;

  private final int partition;
  private final String object;
  private final Hashing hashing;
  private final Writer writer;
  private long documents;
  private boolean closed;

  ShardWriter(OutputStream target, int partition, String object) throws IOException {
    this.partition = partition;
    this.object = object;
    this.hashing = new Hashing(target);
    this.writer =
        new BufferedWriter(
            new OutputStreamWriter(
                new GZIPOutputStream(hashing, GZIP_BUFFER), StandardCharsets.UTF_8),
            GZIP_BUFFER);
  }

  void write(DocumentRecord doc) throws IOException {
    DocumentCodec.writeLine(writer, doc);
    documents++;
  }

  /** Completes the gzip stream and commits the object; returns what the manifest records. */
  Manifest.ShardEntry finish() throws IOException {
    closed = true;
    writer.close();
    return new Manifest.ShardEntry(
        partition, object, documents, hashing.bytes, hashing.sha256Hex(), hashing.crc32cBase64());
  }

  /**
   * Closes after a failure; the object may be committed with partial content, and no manifest will
   * name it.
   */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      writer.close();
    }
  }

  /** Passes bytes through while hashing and counting them. */
  private static final class Hashing extends FilterOutputStream {
    private final MessageDigest sha = Sha256.digest();
    private final CRC32C crc = new CRC32C();
    private long bytes;

    Hashing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      sha.update((byte) b);
      crc.update(b);
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      sha.update(b, off, len);
      crc.update(b, off, len);
      bytes += len;
    }

    String sha256Hex() {
      return HexFormat.of().formatHex(sha.digest());
    }

    String crc32cBase64() {
      return Base64.getEncoder()
          .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
  }
}

package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Sha256;
import app.avalo.infra.testing.Emulators;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DocumentCodecTest {
  private final Firestore db = Emulators.isolatedFirestore();

  private DocumentRecord roundTrip(Map<String, Object> fields) {
    String line = DocumentCodec.line(new DocumentRecord("wallet", "u1", "u1", fields));
    assertTrue(
        line.endsWith("\n") && line.indexOf('\n') == line.length() - 1,
        "exactly one line: " + line);
    DocumentRecord back = DocumentCodec.readLine(line.substring(0, line.length() - 1), db);
    assertEquals("wallet", back.collection());
    assertEquals("u1", back.id());
    assertEquals("u1", back.owner());
    return back;
  }

  @Test
  void everyValueTypeRoundTripsBitExactly() {
    Map<String, Object> doc = BitExact.everyStorableType(db);
    BitExact.assertSameDocument(doc, roundTrip(doc).fields());
  }

  @Test
  void int64ExtremesAndValuesTheEmulatorCannotHoldRoundTrip() {
    Map<String, Object> doc = new LinkedHashMap<>(BitExact.beyondTheEmulator());
    doc.put("vector", FieldValue.vector(new double[] {1.0, -0.0, Double.MIN_VALUE, 1e308}));
    doc.put("oddNaN", Double.longBitsToDouble(0x7ff8000000000001L));
    String line = DocumentCodec.line(new DocumentRecord("wallet", "u1", "u1", doc));
    assertTrue(line.contains("{\"i\":\"9223372036854775807\"}"), line);
    assertTrue(line.contains("{\"i\":\"-9223372036854775808\"}"), line);
    BitExact.assertSameDocument(doc, roundTrip(doc).fields());
  }

  @Test
  void equalDocumentsEncodeEquallyWhateverTheirKeyOrder() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("b", Map.of("y", 1L, "x", 2L));
    a.put("a", List.of(1L));
    Map<String, Object> b = new TreeMap<>(a);
    assertEquals(DocumentCodec.encodeFields(a), DocumentCodec.encodeFields(b));
    assertNotEquals(
        DocumentCodec.encodeValue(0.0),
        DocumentCodec.encodeValue(-0.0),
        "the sign of zero is data");
    assertNotEquals(
        DocumentCodec.encodeValue(1L), DocumentCodec.encodeValue(1.0), "int and double differ");
  }

  @Test
  void documentsWithoutOwnerKeepANullOwner() {
    String line =
        DocumentCodec.line(new DocumentRecord("payments", "p1", null, Map.of("amount", 5L)));
    assertNull(DocumentCodec.readLine(line.trim(), db).owner());
  }

  @Test
  void filteredLinesAreSkippedWithoutDecodingTheirFields() {
    String line =
        DocumentCodec.line(new DocumentRecord("messages", "m1", "chat-a", Map.of("text", "hi")))
            .trim();
    assertNull(DocumentCodec.readLine(line, db, header -> header.owner().equals("chat-b")));
  }

  @Test
  void malformedLinesAreRefusedNotGuessed() {
    // One malformed line per text line: untagged number, unknown tag, bad integer, trailing
    // garbage, bad base64.
    String lines =
        """
        {}
        {"c":"wallet","id":"u1","k":null,"f":{"n":12}}
        {"c":"wallet","id":"u1","k":null,"f":{"n":{"zz":"1"}}}
        {"c":"wallet","id":"u1","k":null,"f":{"n":{"i":"x"}}}
        {"c":"wallet","id":"u1","k":null,"f":{}} trailing
        {"c":"wallet","id":"u1","k":null,"f":{"b":{"b":"***"}}}
        not json
        """;
    for (String bad : lines.lines().toList()) {
      assertThrows(
          DocumentCodec.MalformedLineException.class, () -> DocumentCodec.readLine(bad, db), bad);
    }
  }

  @Test
  void unknownValueTypesFailTheEncodingInsteadOfDroppingData() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DocumentCodec.line(
                new DocumentRecord("wallet", "u1", "u1", Map.of("x", new Object()))));
  }

  @Test
  void partitionOfAnOwnerIsStable() {
    // The mapping is part of the backup format: a change would make old backups unreadable by
    // owner.
    assertEquals(0, Partitioner.partitionOf("anything", 1));
    assertEquals(0, Partitioner.partitionOf(null, 64));
    int p = Partitioner.partitionOf("user-42", 64);
    assertEquals(p, Partitioner.partitionOf("user-42", 64));
    assertEquals(
        Integer.remainderUnsigned(
            ByteBuffer.wrap(Sha256.digest().digest("user-42".getBytes(StandardCharsets.UTF_8)))
                .getInt(),
            64),
        p);
    assertEquals(1, Partitioner.partitionsFor(0, 2000, 256));
    assertEquals(1, Partitioner.partitionsFor(2000, 2000, 256));
    assertEquals(2, Partitioner.partitionsFor(2001, 2000, 256));
    assertEquals(256, Partitioner.partitionsFor(10_000_000, 2000, 256));
  }
}

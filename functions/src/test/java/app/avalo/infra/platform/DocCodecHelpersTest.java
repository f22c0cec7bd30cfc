package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The typed read/write helpers every codec uses, and records stored as plain maps. */
class DocCodecHelpersTest {
  private static final Instant AT = Instant.parse("2026-12-02T04:00:00.123456Z");

  @Test
  void writerConvertsInstantsEnumsAndNestedDocumentsAndLeavesNullsOut() {
    Map<String, Object> doc =
        DocWriter.create()
            .field("at", AT)
            .field("severity", Alerts.Severity.CRITICAL)
            .field("nested", DocWriter.create().field("when", AT).field("none", null))
            .field("list", List.of(AT))
            .field("absent", null)
            .fieldOrNull("cleared", null)
            .map();
    assertEquals(List.of("at", "severity", "nested", "list", "cleared"), List.copyOf(doc.keySet()));
    assertEquals(Firestores.timestamp(AT), doc.get("at"));
    assertEquals("critical", doc.get("severity"));
    assertEquals(Map.of("when", Firestores.timestamp(AT)), doc.get("nested"));
    assertEquals(List.of(Firestores.timestamp(AT)), doc.get("list"));
    assertTrue(doc.containsKey("cleared") && doc.get("cleared") == null);
  }

  @Test
  void readerReadsWhatTheWriterWroteAndNamesTheFieldWhenCorrupt() {
    Map<String, Object> stored = new LinkedHashMap<>();
    stored.put("at", Timestamp.ofTimeMicroseconds(1_000_000L));
    stored.put("n", 3L);
    stored.put("whole", 4.0);
    stored.put("severity", "warning");
    stored.put("nested", Map.of("s", "x"));
    stored.put("items", List.of(Map.of("s", "a"), Map.of("s", "b")));
    stored.put("text", 12L);
    DocReader d = DocReader.of("alerts/a1", stored);
    assertEquals(Instant.ofEpochSecond(1), d.instant("at"));
    assertEquals(3L, d.longValue("n"));
    assertEquals(4L, d.longValue("whole"));
    assertEquals(Alerts.Severity.WARNING, d.enumValue("severity", Alerts.Severity.class));
    assertEquals("x", d.map("nested").string("s"));
    assertEquals(List.of("a", "b"), d.maps("items").stream().map(i -> i.string("s")).toList());
    assertEquals(Optional.empty(), d.optionalString("missing"));
    assertFalse(d.has("missing"));

    IllegalStateException wrongType =
        assertThrows(IllegalStateException.class, () -> d.string("text"));
    assertEquals("alerts/a1: field 'text' should be String, is Long", wrongType.getMessage());
    IllegalStateException missing =
        assertThrows(IllegalStateException.class, () -> d.longValue("missing"));
    assertEquals("alerts/a1: required field 'missing' is missing", missing.getMessage());
    IllegalStateException badEnum =
        assertThrows(
            IllegalStateException.class, () -> d.enumValue("nested", Alerts.Severity.class));
    assertTrue(badEnum.getMessage().contains("'nested'"), badEnum.getMessage());
    stored.put("fraction", 2.5);
    assertThrows(IllegalStateException.class, () -> d.longValue("fraction"));
  }

  record Part(String name, long count) {}

  record Summary(
      String job, long processed, double ratio, Instant at, List<Part> parts, String none) {}

  @Test
  void aRecordBecomesThePlainMapItsJsonDescribes() {
    Map<String, Object> plain =
        Json.toPlainMap(new Summary("j", 7, 0.5, AT, List.of(new Part("p", 2)), null));
    assertEquals(
        List.of("job", "processed", "ratio", "at", "parts", "none"), List.copyOf(plain.keySet()));
    assertTrue(plain.containsKey("none") && plain.get("none") == null, "nulls are kept");
    assertEquals(7L, plain.get("processed"));
    assertEquals(0.5, plain.get("ratio"));
    assertEquals(AT.toString(), plain.get("at"));
    assertEquals(List.of(Map.of("name", "p", "count", 2L)), plain.get("parts"));
    assertEquals(
        Json.write(new Summary("j", 7, 0.5, AT, List.of(new Part("p", 2)), null)),
        Json.write(plain),
        "stored and answered as the same JSON");
    assertThrows(IllegalArgumentException.class, () -> Json.toPlainMap(List.of(1)));
  }
}

package app.avalo.infra.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.GeoPoint;
import com.google.cloud.firestore.VectorValue;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares Firestore values the strict way, independent of the codec under test: same Java type,
 * doubles by their raw bits (so -0.0 differs from 0.0 and NaN payloads count), bytes byte for byte,
 * timestamps to the nanosecond, references by path, containers element by element.
 */
final class BitExact {
  private BitExact() {}

  static void assertSameDocument(Map<String, Object> expected, Map<String, Object> actual) {
    assertSame(expected, actual, "");
  }

  static void assertSame(Object expected, Object actual, String path) {
    if (expected == null) {
      assertNull(actual, path);
      return;
    }
    if (actual == null) {
      fail(path + ": expected " + expected + " but was null");
    }
    switch (expected) {
      case Double d -> {
        if (!(actual instanceof Double a)) {
          fail(
              path
                  + ": expected a Double but was "
                  + actual.getClass().getSimpleName()
                  + " "
                  + actual);
          return;
        }
        assertEquals(
            Long.toHexString(Double.doubleToRawLongBits(d)),
            Long.toHexString(Double.doubleToRawLongBits(a)),
            path + ": double bits");
      }
      case Long l -> assertEquals(l, actual, path);
      case Boolean b -> assertEquals(b, actual, path);
      case String s -> assertEquals(s, actual, path);
      case Blob b -> assertArrayEquals(b.toBytes(), ((Blob) actual).toBytes(), path);
      case Timestamp t -> {
        Timestamp a = (Timestamp) actual;
        assertEquals(t.getSeconds(), a.getSeconds(), path + ": seconds");
        assertEquals(t.getNanos(), a.getNanos(), path + ": nanos");
      }
      case GeoPoint g -> {
        GeoPoint a = (GeoPoint) actual;
        assertSame(g.getLatitude(), a.getLatitude(), path + ".latitude");
        assertSame(g.getLongitude(), a.getLongitude(), path + ".longitude");
      }
      case DocumentReference r ->
          assertEquals(r.getPath(), ((DocumentReference) actual).getPath(), path);
      case VectorValue v -> {
        double[] e = v.toArray();
        double[] a = ((VectorValue) actual).toArray();
        assertEquals(e.length, a.length, path + ": vector length");
        for (int i = 0; i < e.length; i++) {
          assertSame(e[i], a[i], path + "[" + i + "]");
        }
      }
      case List<?> list -> {
        List<?> a = (List<?>) actual;
        assertEquals(list.size(), a.size(), path + ": array length");
        for (int i = 0; i < list.size(); i++) {
          assertSame(list.get(i), a.get(i), path + "[" + i + "]");
        }
      }
      case Map<?, ?> map -> {
        Map<?, ?> a = (Map<?, ?>) actual;
        assertEquals(new TreeSet<>(map.keySet()), new TreeSet<>(a.keySet()), path + ": keys");
        for (Map.Entry<?, ?> e : map.entrySet()) {
          assertSame(e.getValue(), a.get(e.getKey()), path + "." + e.getKey());
        }
      }
      default -> fail(path + ": no comparison for " + expected.getClass());
    }
    assertEquals(
        expected.getClass().isInstance(actual)
            || expected instanceof Map
            || expected instanceof List
            || expected instanceof DocumentReference,
        true,
        path + ": type " + actual.getClass());
  }

  /**
   * A document with every value type the local emulator can hold, at the edges that break naive
   * encoders. (The npm emulator refuses int64 beyond ±2^53 and stores a geo point's -0.0 as 0.0;
   * {@link #beyondTheEmulator()} is checked through the codec alone.)
   */
  static Map<String, Object> everyStorableType(Firestore db) {
    byte[] allBytes = new byte[256];
    for (int i = 0; i < 256; i++) {
      allBytes[i] = (byte) i;
    }
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("list", Arrays.asList(1L, "two", null, List.of(), Map.of(), List.of(List.of(3.5))));
    nested.put("deeper", Map.of("a", Map.of("b", Map.of("c", true))));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("userId", "u-every");
    doc.put("nothing", null);
    doc.put("yes", true);
    doc.put("no", false);
    doc.put("zero", 0L);
    doc.put("minusOne", -1L);
    doc.put("maxSafe", 9_007_199_254_740_991L);
    doc.put("minSafe", -9_007_199_254_740_991L);
    doc.put("nan", Double.NaN);
    doc.put("posInf", Double.POSITIVE_INFINITY);
    doc.put("negInf", Double.NEGATIVE_INFINITY);
    doc.put("negZero", -0.0);
    doc.put("posZero", 0.0);
    doc.put("subnormal", Double.MIN_VALUE);
    doc.put("maxDouble", Double.MAX_VALUE);
    doc.put("tenth", 0.1);
    doc.put("wholeDouble", 3.0);
    doc.put("empty", "");
    doc.put("polish", "zażółć gęślą jaźń");
    doc.put("emoji", "🎉 👩‍👩‍👧 \uD83D\uDE00");
    doc.put("controls", "nul\u0000tab\tnewline\nquote\"backslash\\ \u2028\u2029 \uFEFF");
    doc.put("rtl", "עברית العربية");
    doc.put("bytes", Blob.fromBytes(allBytes));
    doc.put("noBytes", Blob.fromBytes(new byte[0]));
    doc.put("nanos", Timestamp.ofTimeSecondsAndNanos(1_700_000_000L, 123_456_789));
    doc.put("earliest", Timestamp.ofTimeSecondsAndNanos(-62_135_596_800L, 0));
    doc.put("latest", Timestamp.ofTimeSecondsAndNanos(253_402_300_799L, 999_999_999));
    doc.put("geo", new GeoPoint(-90.0, 180.0));
    doc.put("geoZero", new GeoPoint(0.0, 0.0));
    doc.put("ref", db.document("users/u-every"));
    doc.put("deepRef", db.document("chats/c1/messages/m1"));
    doc.put("emptyMap", Map.of());
    doc.put("emptyList", List.of());
    doc.put("nested", nested);
    doc.put("with.dot", "a field name with a dot");
    doc.put("with space ünï", 1L);
    return doc;
  }

  static Map<String, Object> beyondTheEmulator() {
    return Map.of(
        "max",
        Long.MAX_VALUE,
        "min",
        Long.MIN_VALUE,
        "aboveSafe",
        9_007_199_254_740_993L,
        "list",
        List.of(Long.MAX_VALUE, Long.MIN_VALUE),
        "geoNegZero",
        new GeoPoint(-0.0, -0.0));
  }
}

package app.avalo.infra.recovery;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.GeoPoint;
import com.google.cloud.firestore.VectorValue;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The lossless line format of backups and recovery archives: one JSON object per document, {@code
 * {"c": collection, "id": id, "k": owner, "f": {field: value}}}, with every Firestore value type
 * tagged so it decodes to exactly what was read:
 *
 * <pre>
 *   null, true/false, "string"      as themselves
 *   int64                           {"i": "-9223372036854775808"}   (a string: JSON numbers lose int64)
 *   double                          {"d": "-0.0"} / "NaN" / "Infinity" / "-Infinity"
 *                                   (Double.toString round-trips every finite double exactly;
 *                                    a NaN with a non-canonical payload is "NaN:7ff8000000000001")
 *   timestamp                       {"t": "2026-01-31T12:00:00.123456789Z"}
 *   bytes                           {"b": base64}
 *   geo point                       {"g": ["lat", "lng"]}
 *   reference                       {"r": "users/u1"}   (relative: Firestore only stores references
 *                                                        into the document's own database)
 *   vector                          {"v": ["1.0", "2.5"]}
 *   array                           [ …values… ]
 *   map                             {"m": {key: value}}
 * </pre>
 *
 * Map keys are written sorted, so equal documents encode to equal strings: the recovery diff
 * compares encodings. An unknown value type fails the encoding rather than dropping data.
 */
final class DocumentCodec {
  private static final long CANONICAL_NAN_BITS = Double.doubleToRawLongBits(Double.NaN);

  private DocumentCodec() {}

  // ---- lines ----

  /** Writes one document as one line (with the trailing newline). */
  static void writeLine(Writer out, DocumentRecord doc) throws IOException {
    json(out, json -> writeDocument(json, doc));
    out.write('\n');
  }

  private static void writeDocument(JsonWriter json, DocumentRecord doc) throws IOException {
    json.beginObject();
    json.name("c").value(doc.collection());
    json.name("id").value(doc.id());
    json.name("k");
    if (doc.owner() == null) {
      json.nullValue();
    } else {
      json.value(doc.owner());
    }
    json.name("f");
    writeFields(json, doc.fields());
    json.endObject();
  }

  static String line(DocumentRecord doc) {
    return render(out -> writeLine(out, doc));
  }

  /** The header of a line: enough to decide whether to decode the fields at all. */
  record Header(String collection, String id, String owner) {}

  /**
   * Decodes a line, or returns null without decoding its fields when {@code wanted} rejects its
   * header (recovery skips every other entity's documents in a shard this way).
   */
  static DocumentRecord readLine(String line, Firestore db, Predicate<Header> wanted) {
    try (JsonReader json = new JsonReader(new StringReader(line))) {
      json.beginObject();
      String collection = null;
      String id = null;
      String owner = null;
      Map<String, Object> fields = null;
      while (json.hasNext()) {
        String name = json.nextName();
        switch (name) {
          case "c" -> collection = json.nextString();
          case "id" -> id = json.nextString();
          case "k" -> {
            if (json.peek() == JsonToken.NULL) {
              json.nextNull();
            } else {
              owner = json.nextString();
            }
          }
          case "f" -> {
            if (collection == null || id == null) {
              throw new MalformedLineException("\"c\" and \"id\" must come before \"f\"");
            }
            if (!wanted.test(new Header(collection, id, owner))) {
              return null;
            }
            fields = readFields(json, db);
          }
          default -> throw new MalformedLineException("unknown key \"" + name + "\"");
        }
      }
      json.endObject();
      if (json.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedLineException("trailing data after the document");
      }
      if (collection == null || id == null || fields == null) {
        throw new MalformedLineException("a line needs \"c\", \"id\" and \"f\"");
      }
      return new DocumentRecord(collection, id, owner, fields);
    } catch (IOException
        | IllegalArgumentException
        | IllegalStateException
        | DateTimeParseException e) {
      throw new MalformedLineException(e.getMessage());
    }
  }

  static DocumentRecord readLine(String line, Firestore db) {
    return readLine(line, db, header -> true);
  }

  /** A line that is not in the backup format; a verified shard never has one. */
  static final class MalformedLineException extends RuntimeException {
    MalformedLineException(String why) {
      super("not a backup line: " + why);
    }
  }

  // ---- canonical encodings, for comparing documents ----

  /** The canonical encoding of a document's fields: equal fields, equal strings. */
  static String encodeFields(Map<String, Object> fields) {
    return render(out -> json(out, json -> writeFields(json, fields)));
  }

  /** The canonical encoding of one value. */
  static String encodeValue(Object value) {
    return render(out -> json(out, json -> writeValue(json, value)));
  }

  private interface Body<T> {
    void write(T target) throws IOException;
  }

  private static String render(Body<Writer> body) {
    StringWriter out = new StringWriter();
    try {
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void json(Writer out, Body<JsonWriter> body) throws IOException {
    JsonWriter json = new JsonWriter(out);
    json.setHtmlSafe(false);
    body.write(json);
    json.flush();
  }

  // ---- values ----

  private static void writeFields(JsonWriter json, Map<String, Object> fields) throws IOException {
    json.beginObject();
    for (Map.Entry<String, Object> e : new TreeMap<>(fields).entrySet()) {
      json.name(e.getKey());
      writeValue(json, e.getValue());
    }
    json.endObject();
  }

  private static void writeValue(JsonWriter json, Object value) throws IOException {
    switch (value) {
      case null -> json.nullValue();
      case Boolean b -> json.value(b);
      case String s -> json.value(s);
      case Long l -> tagged(json, "i").value(Long.toString(l)).endObject();
      case Integer i -> tagged(json, "i").value(Integer.toString(i)).endObject();
      case Double d -> tagged(json, "d").value(doubleText(d)).endObject();
      case Timestamp t ->
          tagged(json, "t")
              .value(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString())
              .endObject();
      case Blob b ->
          tagged(json, "b").value(Base64.getEncoder().encodeToString(b.toBytes())).endObject();
      case GeoPoint g -> {
        tagged(json, "g").beginArray();
        json.value(doubleText(g.getLatitude())).value(doubleText(g.getLongitude()));
        json.endArray().endObject();
      }
      case DocumentReference r -> tagged(json, "r").value(r.getPath()).endObject();
      case VectorValue v -> {
        tagged(json, "v").beginArray();
        for (double d : v.toArray()) {
          json.value(doubleText(d));
        }
        json.endArray().endObject();
      }
      case List<?> list -> {
        json.beginArray();
        for (Object item : list) {
          writeValue(json, item);
        }
        json.endArray();
      }
      case Map<?, ?> map -> {
        tagged(json, "m").beginObject();
        for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
          json.name((String) e.getKey());
          writeValue(json, e.getValue());
        }
        json.endObject().endObject();
      }
      default ->
          throw new IllegalArgumentException(
              "no lossless encoding for a "
                  + value.getClass().getName()
                  + "; refusing to back it up incompletely");
    }
  }

  private static JsonWriter tagged(JsonWriter json, String tag) throws IOException {
    return json.beginObject().name(tag);
  }

  static String doubleText(double d) {
    if (Double.isNaN(d)) {
      long bits = Double.doubleToRawLongBits(d);
      return bits == CANONICAL_NAN_BITS ? "NaN" : "NaN:" + Long.toHexString(bits);
    }
    return Double.toString(d);
  }

  static double parseDouble(String text) {
    if (text.startsWith("NaN:")) {
      return Double.longBitsToDouble(Long.parseUnsignedLong(text.substring(4), 16));
    }
    return Double.parseDouble(text);
  }

  private static Map<String, Object> readFields(JsonReader json, Firestore db) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    json.beginObject();
    while (json.hasNext()) {
      String name = json.nextName();
      fields.put(name, readValue(json, db));
    }
    json.endObject();
    return fields;
  }

  private static Object readValue(JsonReader json, Firestore db) throws IOException {
    switch (json.peek()) {
      case NULL -> {
        json.nextNull();
        return null;
      }
      case BOOLEAN -> {
        return json.nextBoolean();
      }
      case STRING -> {
        return json.nextString();
      }
      case BEGIN_ARRAY -> {
        List<Object> list = new ArrayList<>();
        json.beginArray();
        while (json.hasNext()) {
          list.add(readValue(json, db));
        }
        json.endArray();
        return list;
      }
      case BEGIN_OBJECT -> {
        json.beginObject();
        String tag = json.nextName();
        Object value =
            switch (tag) {
              case "i" -> Long.parseLong(json.nextString());
              case "d" -> parseDouble(json.nextString());
              case "t" -> {
                Instant instant = Instant.parse(json.nextString());
                yield Timestamp.ofTimeSecondsAndNanos(instant.getEpochSecond(), instant.getNano());
              }
              case "b" -> Blob.fromBytes(Base64.getDecoder().decode(json.nextString()));
              case "g" -> {
                json.beginArray();
                double lat = parseDouble(json.nextString());
                double lng = parseDouble(json.nextString());
                json.endArray();
                yield new GeoPoint(lat, lng);
              }
              case "r" -> db.document(json.nextString());
              case "v" -> {
                List<Double> values = new ArrayList<>();
                json.beginArray();
                while (json.hasNext()) {
                  values.add(parseDouble(json.nextString()));
                }
                json.endArray();
                yield FieldValue.vector(values.stream().mapToDouble(Double::doubleValue).toArray());
              }
              case "m" -> readFields(json, db);
              default -> throw new MalformedLineException("unknown value tag \"" + tag + "\"");
            };
        if (json.hasNext()) {
          throw new MalformedLineException("a tagged value has exactly one key");
        }
        json.endObject();
        return value;
      }
      default -> throw new MalformedLineException("unexpected " + json.peek());
    }
  }
}

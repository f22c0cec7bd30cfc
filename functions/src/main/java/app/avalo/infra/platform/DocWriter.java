package app.avalo.infra.platform;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the field map of one persisted document, for codecs: {@link Instant} becomes a Firestore
 * timestamp, a {@link WireEnum} its wire name, a nested {@link DocWriter} a map; a null value is
 * left out (use {@link #fieldOrNull} where an explicit null clears a field in a merge). Field order
 * is insertion order.
 *
 * <pre>{@code
 * DocWriter.create().field("reason", d.reason()).field("until", d.until()).map();
 * }</pre>
 */
public final class DocWriter {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  private DocWriter() {}

  public static DocWriter create() {
    return new DocWriter();
  }

  /** Sets {@code name} unless {@code value} is null. */
  public DocWriter field(String name, Object value) {
    if (value != null) {
      fields.put(name, convert(value));
    }
    return this;
  }

  /** Sets {@code name}, writing an explicit null when {@code value} is null. */
  public DocWriter fieldOrNull(String name, Object value) {
    fields.put(name, value == null ? null : convert(value));
    return this;
  }

  /** The fields, ready for {@code set}/{@code update}. */
  public Map<String, Object> map() {
    return fields;
  }

  private static Object convert(Object value) {
    if (value instanceof Instant instant) {
      return Firestores.timestamp(instant);
    }
    if (value instanceof WireEnum wire) {
      return wire.wire();
    }
    if (value instanceof DocWriter nested) {
      return nested.fields;
    }
    if (value instanceof Collection<?> items) {
      return items.stream().map(DocWriter::convert).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, v == null ? null : convert(v)));
      return out;
    }
    return value;
  }

  /** For codecs that build lists of nested documents. */
  public static List<Map<String, Object>> maps(Collection<DocWriter> docs) {
    return docs.stream().map(DocWriter::map).toList();
  }
}

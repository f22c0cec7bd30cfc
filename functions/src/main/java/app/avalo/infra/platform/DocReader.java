package app.avalo.infra.platform;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads of one persisted document (or a nested map inside one), for codecs. A field of the
 * wrong type is a corrupt document: {@link IllegalStateException} naming the document and field,
 * never a silent default. Absent fields are what the {@code optional…} methods are for.
 *
 * <pre>{@code
 * DocReader d = DocReader.of(snapshot);
 * new Drain(d.string("reason"), d.instant("until"), d.optionalString("by").orElse(null));
 * }</pre>
 */
public final class DocReader {
  private final String where;
  private final Map<String, Object> data;

  private DocReader(String where, Map<String, Object> data) {
    this.where = where;
    this.data = data == null ? Map.of() : data;
  }

  /** The document's fields; a missing document reads as having none. */
  public static DocReader of(DocumentSnapshot snapshot) {
    return new DocReader(snapshot.getReference().getPath(), snapshot.getData());
  }

  /** A map read from a document ({@code where} names it in errors). */
  public static DocReader of(String where, Map<String, Object> data) {
    return new DocReader(where, data);
  }

  /** The names of the fields present (a map keyed by name, such as receivers by receiver). */
  public Set<String> fieldNames() {
    return Collections.unmodifiableSet(data.keySet());
  }

  /** The fields as stored, for free-form maps (an alert's details). */
  public Map<String, Object> values() {
    return Collections.unmodifiableMap(data);
  }

  public boolean has(String field) {
    return data.get(field) != null;
  }

  public String string(String field) {
    return required(field, optionalString(field));
  }

  public Optional<String> optionalString(String field) {
    return typed(field, String.class);
  }

  public long longValue(String field) {
    return required(field, optionalLong(field));
  }

  /** Whole numbers (Firestore integers; doubles only when integral, as older writers stored). */
  public Optional<Long> optionalLong(String field) {
    Object v = data.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Long l) {
      return Optional.of(l);
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return Optional.of(n.longValue());
    }
    throw corrupt(field, "a whole number", v);
  }

  public double doubleValue(String field) {
    return required(field, optionalDouble(field));
  }

  public Optional<Double> optionalDouble(String field) {
    return typed(field, Number.class).map(Number::doubleValue);
  }

  public boolean bool(String field) {
    return required(field, optionalBool(field));
  }

  public Optional<Boolean> optionalBool(String field) {
    return typed(field, Boolean.class);
  }

  public Instant instant(String field) {
    return required(field, optionalInstant(field));
  }

  public Optional<Instant> optionalInstant(String field) {
    return typed(field, Timestamp.class).map(Firestores::instant);
  }

  /** A {@link WireEnum} stored under its wire name. */
  public <E extends Enum<E> & WireEnum> E enumValue(String field, Class<E> type) {
    return required(field, optionalEnum(field, type));
  }

  public <E extends Enum<E> & WireEnum> Optional<E> optionalEnum(String field, Class<E> type) {
    Optional<String> wire = optionalString(field);
    if (wire.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        WireEnum.parse(type, wire.get())
            .orElseThrow(() -> corrupt(field, "one of " + WireEnum.wireNames(type), wire.get())));
  }

  /** A nested map, read with the same rules. */
  public Optional<DocReader> optionalMap(String field) {
    Object v = data.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw corrupt(field, "a map", v);
    }
    @SuppressWarnings("unchecked") // Firestore maps have string keys
    Map<String, Object> nested = (Map<String, Object>) m;
    return Optional.of(new DocReader(where + "." + field, nested));
  }

  public DocReader map(String field) {
    return required(field, optionalMap(field));
  }

  /** A list of nested maps (absent: empty). */
  public List<DocReader> maps(String field) {
    Object v = data.get(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw corrupt(field, "a list", v);
    }
    return list.stream()
        .map(
            item -> {
              if (!(item instanceof Map<?, ?> m)) {
                throw corrupt(field, "a list of maps", item);
              }
              @SuppressWarnings("unchecked") // Firestore maps have string keys
              Map<String, Object> nested = (Map<String, Object>) m;
              return new DocReader(where + "." + field + "[]", nested);
            })
        .toList();
  }

  /** A list of strings (absent: empty). */
  public List<String> strings(String field) {
    Object v = data.get(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
      throw corrupt(field, "a list of strings", v);
    }
    return list.stream().map(String.class::cast).toList();
  }

  private <T> Optional<T> typed(String field, Class<T> type) {
    Object v = data.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!type.isInstance(v)) {
      throw corrupt(field, type.getSimpleName(), v);
    }
    return Optional.of(type.cast(v));
  }

  private <T> T required(String field, Optional<T> value) {
    return value.orElseThrow(
        () -> new IllegalStateException(where + ": required field '" + field + "' is missing"));
  }

  private IllegalStateException corrupt(String field, String expected, Object actual) {
    return new IllegalStateException(
        where
            + ": field '"
            + field
            + "' should be "
            + expected
            + ", is "
            + actual.getClass().getSimpleName());
  }
}

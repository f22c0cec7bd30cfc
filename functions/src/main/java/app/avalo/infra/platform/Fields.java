package app.avalo.infra.platform;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates one JSON object of request input. Every failure is an INVALID_ARGUMENT that
 * names the field by its dotted path ({@code location.lat}); {@link #done()} refuses fields the
 * handler never read, so a typo is an error rather than a silently ignored value.
 *
 * <p>Strings are refused when they hold control characters (other than tab and line breaks),
 * bidirectional overrides or unpaired surrogates: such text can hide what it says in the admin
 * dashboard, audit records and exported reports.
 *
 * <p>Numbers may arrive as the Android SDK's {@code {"@type": "...Int64Value", "value": "123"}}
 * wrapper; every numeric read accepts it.
 */
public final class Fields {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_:.\\-]{1,128}");
  private static final Set<String> INT64_TYPES =
      Set.of(
          "type.googleapis.com/google.protobuf.Int64Value",
          "type.googleapis.com/google.protobuf.UInt64Value");

  private final JsonObject object;
  private final String prefix;
  private final Set<String> read = new HashSet<>();

  private Fields(JsonObject object, String prefix) {
    this.object = object;
    this.prefix = prefix;
  }

  /** The top-level {@code data} of a request: absent or null reads as an empty object. */
  public static Fields of(JsonElement data) {
    return of(data, "");
  }

  /**
   * An object found inside a field's value (e.g. base64-decoded JSON), read with the field's path
   * as prefix ({@code message.data.}) so errors name where it sat.
   */
  public static Fields of(JsonElement data, String prefix) {
    if (data == null || data.isJsonNull()) {
      return new Fields(new JsonObject(), prefix);
    }
    if (!data.isJsonObject()) {
      throw ApiException.invalidArgument(
          prefix.isEmpty() ? "data" : trim(prefix), "must be an object");
    }
    return new Fields(data.getAsJsonObject(), prefix);
  }

  public static Fields empty() {
    return new Fields(new JsonObject(), "");
  }

  /** The dotted path of a field of this object, for error messages. */
  public String path(String name) {
    return prefix + name;
  }

  public boolean has(String name) {
    JsonElement value = object.get(name);
    return value != null && !value.isJsonNull();
  }

  /** The names present in this object (for maps such as {@code rttMs: {regionId: ms}}). */
  public Set<String> keys() {
    return new LinkedHashSet<>(object.keySet());
  }

  /** Refuses any field that no read asked for. Call once all fields are read. */
  public void done() {
    for (String key : object.keySet()) {
      if (!read.contains(key)) {
        throw ApiException.invalidArgument(path(key), "is not a known field");
      }
    }
  }

  // ---- strings ----

  public String string(String name, int maxLength) {
    return optionalString(name, maxLength).orElseThrow(() -> missing(name));
  }

  public Optional<String> optionalString(String name, int maxLength) {
    JsonElement value = get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof JsonPrimitive p) || !p.isString()) {
      throw ApiException.invalidArgument(path(name), "must be a string");
    }
    String s = p.getAsString();
    if (s.isBlank()) {
      throw ApiException.invalidArgument(path(name), "must not be empty");
    }
    if (s.length() > maxLength) {
      throw ApiException.invalidArgument(
          path(name), "must be at most " + maxLength + " characters");
    }
    int bad = firstUnsafeChar(s);
    if (bad >= 0) {
      throw ApiException.invalidArgument(
          path(name),
          String.format(
              "must not contain control, bidirectional-override or unpaired surrogate characters"
                  + " (U+%04X at %d)",
              (int) s.charAt(bad), bad));
    }
    return Optional.of(s);
  }

  /**
   * The index of the first character no text field takes, or -1: C0/C1 controls other than tab,
   * line feed and carriage return (NUL among them), the bidirectional embedding, override and
   * isolate controls that make text display other than it reads (U+202A-U+202E, U+2066-U+2069), and
   * a surrogate without its pair (not a character at all).
   */
  private static int firstUnsafeChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r')
          || (c >= 0x7F && c <= 0x9F)
          || (c >= 0x202A && c <= 0x202E)
          || (c >= 0x2066 && c <= 0x2069)) {
        return i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** An identifier safe as a Firestore document id and a storage path segment. */
  public String id(String name) {
    return optionalId(name).orElseThrow(() -> missing(name));
  }

  public Optional<String> optionalId(String name) {
    return optionalString(name, 128).map(s -> checkId(name, s));
  }

  private String checkId(String name, String s) {
    if (!ID.matcher(s).matches()
        || s.equals(".")
        || s.equals("..")
        || (s.startsWith("__") && s.endsWith("__"))) {
      throw ApiException.invalidArgument(
          path(name), "must be 1-128 characters of letters, digits, '_', '-', ':' or '.'");
    }
    return s;
  }

  /** One of a fixed set of values, compared exactly. */
  public String oneOf(String name, Collection<String> allowed) {
    return optionalOneOf(name, allowed).orElseThrow(() -> missing(name));
  }

  public Optional<String> optionalOneOf(String name, Collection<String> allowed) {
    return optionalString(name, 200)
        .map(
            s -> {
              if (!allowed.contains(s)) {
                throw ApiException.invalidArgument(
                    path(name), "must be one of " + String.join(", ", allowed));
              }
              return s;
            });
  }

  /**
   * An enum constant by its {@link WireEnum#wire() wire name}; a hyphenated name may also be sent
   * with underscores ({@code cloud_functions} for {@code cloud-functions}).
   */
  public <E extends Enum<E> & WireEnum> E enumValue(String name, Class<E> type) {
    return optionalEnum(name, type).orElseThrow(() -> missing(name));
  }

  public <E extends Enum<E> & WireEnum> Optional<E> optionalEnum(String name, Class<E> type) {
    return optionalString(name, 100)
        .map(
            s ->
                WireEnum.parse(type, s)
                    .or(() -> WireEnum.parse(type, s.replace('_', '-')))
                    .orElseThrow(
                        () ->
                            ApiException.invalidArgument(
                                path(name),
                                "must be one of " + String.join(", ", WireEnum.wireNames(type)))));
  }

  public static String wireName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  // ---- numbers ----

  public long longValue(String name, long min, long max) {
    return optionalLong(name, min, max).orElseThrow(() -> missing(name));
  }

  public OptionalLong optionalLong(String name, long min, long max) {
    BigDecimal n = number(name);
    if (n == null) {
      return OptionalLong.empty();
    }
    long value;
    try {
      value = n.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      throw ApiException.invalidArgument(
          path(name),
          n.scale() > 0 && n.stripTrailingZeros().scale() > 0
              ? "must be a whole number"
              : "must be between " + min + " and " + max);
    }
    if (value < min || value > max) {
      throw ApiException.invalidArgument(path(name), "must be between " + min + " and " + max);
    }
    return OptionalLong.of(value);
  }

  public double doubleValue(String name, double min, double max) {
    return optionalDouble(name, min, max).orElseThrow(() -> missing(name));
  }

  public OptionalDouble optionalDouble(String name, double min, double max) {
    BigDecimal n = number(name);
    if (n == null) {
      return OptionalDouble.empty();
    }
    double value = n.doubleValue();
    // Compared as decimals: -1e-400 rounds to -0.0, which a double comparison lets past min 0.
    if (!Double.isFinite(value)
        || n.compareTo(BigDecimal.valueOf(min)) < 0
        || n.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw ApiException.invalidArgument(
          path(name), "must be between " + plain(min) + " and " + plain(max));
    }
    return OptionalDouble.of(value);
  }

  private BigDecimal number(String name) {
    JsonElement value = get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject wrapper && wrapper.has("@type")) {
      return unwrapInt64(name, wrapper);
    }
    if (!(value instanceof JsonPrimitive p) || !p.isNumber()) {
      throw ApiException.invalidArgument(path(name), "must be a number");
    }
    try {
      return p.getAsBigDecimal();
    } catch (NumberFormatException e) {
      throw ApiException.invalidArgument(path(name), "must be a number");
    }
  }

  private BigDecimal unwrapInt64(String name, JsonObject wrapper) {
    JsonElement type = wrapper.get("@type");
    JsonElement raw = wrapper.get("value");
    if (wrapper.size() != 2
        || !(type instanceof JsonPrimitive t)
        || !t.isString()
        || !INT64_TYPES.contains(t.getAsString())
        || !(raw instanceof JsonPrimitive v)
        || !v.isString()) {
      throw ApiException.invalidArgument(path(name), "must be a number or an Int64Value wrapper");
    }
    try {
      BigDecimal n = new BigDecimal(v.getAsString());
      n.toBigIntegerExact();
      return n;
    } catch (NumberFormatException | ArithmeticException e) {
      throw ApiException.invalidArgument(path(name), "Int64Value must hold a whole number");
    }
  }

  // ---- other scalars ----

  public boolean bool(String name) {
    return optionalBool(name).orElseThrow(() -> missing(name));
  }

  public Optional<Boolean> optionalBool(String name) {
    JsonElement value = get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof JsonPrimitive p) || !p.isBoolean()) {
      throw ApiException.invalidArgument(path(name), "must be true or false");
    }
    return Optional.of(p.getAsBoolean());
  }

  /** A time as an ISO-8601 string ({@code 2026-11-27T06:00:00Z}) or epoch milliseconds. */
  public Instant instant(String name) {
    return optionalInstant(name).orElseThrow(() -> missing(name));
  }

  public Optional<Instant> optionalInstant(String name) {
    JsonElement value = object.get(name);
    if (value == null || value.isJsonNull()) {
      read.add(name);
      return Optional.empty();
    }
    if (value instanceof JsonPrimitive p && p.isString()) {
      read.add(name);
      try {
        return Optional.of(Instant.parse(p.getAsString()));
      } catch (DateTimeParseException e) {
        throw ApiException.invalidArgument(
            path(name), "must be an ISO-8601 UTC time such as 2026-01-31T12:00:00Z");
      }
    }
    long millis = optionalLong(name, 0, 32503680000000L).orElseThrow();
    return Optional.of(Instant.ofEpochMilli(millis));
  }

  // ---- nested ----

  public Fields object(String name) {
    return optionalObject(name).orElseThrow(() -> missing(name));
  }

  public Optional<Fields> optionalObject(String name) {
    JsonElement value = get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isJsonObject()) {
      throw ApiException.invalidArgument(path(name), "must be an object");
    }
    return Optional.of(new Fields(value.getAsJsonObject(), path(name) + "."));
  }

  /** An array of objects, each read with its index in the path ({@code samples[3].latencyMs}). */
  public List<Fields> objects(String name, int maxItems) {
    JsonArray array = array(name, maxItems);
    List<Fields> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonElement item = array.get(i);
      String itemPath = path(name) + "[" + i + "]";
      if (!item.isJsonObject()) {
        throw ApiException.invalidArgument(itemPath, "must be an object");
      }
      items.add(new Fields(item.getAsJsonObject(), itemPath + "."));
    }
    return items;
  }

  public List<String> strings(String name, int maxItems, int maxLength) {
    JsonArray array = array(name, maxItems);
    List<String> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonElement item = array.get(i);
      String itemPath = path(name) + "[" + i + "]";
      if (!(item instanceof JsonPrimitive p) || !p.isString() || p.getAsString().isBlank()) {
        throw ApiException.invalidArgument(itemPath, "must be a non-empty string");
      }
      if (p.getAsString().length() > maxLength) {
        throw ApiException.invalidArgument(
            itemPath, "must be at most " + maxLength + " characters");
      }
      items.add(p.getAsString());
    }
    return items;
  }

  /** Raw access for values whose shape the caller validates itself (e.g. a batch of samples). */
  public Optional<JsonElement> raw(String name) {
    return Optional.ofNullable(get(name));
  }

  private JsonArray array(String name, int maxItems) {
    JsonElement value = get(name);
    if (value == null) {
      throw missing(name);
    }
    if (!value.isJsonArray()) {
      throw ApiException.invalidArgument(path(name), "must be an array");
    }
    JsonArray array = value.getAsJsonArray();
    if (array.isEmpty()) {
      throw ApiException.invalidArgument(path(name), "must not be empty");
    }
    if (array.size() > maxItems) {
      throw ApiException.invalidArgument(path(name), "must have at most " + maxItems + " items");
    }
    return array;
  }

  private JsonElement get(String name) {
    read.add(name);
    JsonElement value = object.get(name);
    return value == null || value instanceof JsonNull ? null : value;
  }

  private ApiException missing(String name) {
    return ApiException.invalidArgument(path(name), "is required");
  }

  private static String trim(String prefix) {
    return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  private static String plain(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}

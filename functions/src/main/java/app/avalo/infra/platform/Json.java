package app.avalo.infra.platform;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one Gson configuration, and strict, bounded parsing of untrusted request bodies. */
public final class Json {
  /** Deeper documents are refused before any handler sees them. */
  public static final int MAX_DEPTH = 32;

  public static final Gson GSON =
      new GsonBuilder()
          .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
          .disableHtmlEscaping()
          .create();

  private Json() {}

  public static String write(Object value) {
    return GSON.toJson(value);
  }

  public static JsonElement toTree(Object value) {
    return GSON.toJsonTree(value);
  }

  /** Like {@link #GSON}, but keeping null components, and reading numbers as Long or Double. */
  private static final Gson PLAIN =
      GSON.newBuilder()
          .serializeNulls()
          .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
          .create();

  private static final Type PLAIN_MAP = new TypeToken<LinkedHashMap<String, Object>>() {}.getType();

  /**
   * A record (or any value whose JSON is an object) as plain Java values, for storing in Firestore
   * (a job summary, a log line's fields): objects become ordered maps with null components kept,
   * arrays lists, whole numbers {@code Long}, other numbers {@code Double}; instants are their RFC
   * 3339 text, as in responses.
   */
  public static Map<String, Object> toPlainMap(Object value) {
    JsonElement tree = PLAIN.toJsonTree(value);
    if (!tree.isJsonObject()) {
      throw new IllegalArgumentException("not an object: " + tree);
    }
    return PLAIN.fromJson(tree, PLAIN_MAP);
  }

  /**
   * Parses a request body strictly (no comments, unquoted names or trailing garbage, which Gson's
   * default lenient parser accepts) and refuses nesting deeper than {@link #MAX_DEPTH}.
   */
  public static JsonElement parseStrict(Reader body) {
    try {
      JsonReader reader = new JsonReader(body);
      reader.setStrictness(Strictness.STRICT);
      if (reader.peek() == JsonToken.END_DOCUMENT) {
        throw ApiException.invalidRequest("request body is empty");
      }
      JsonElement tree = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw ApiException.invalidRequest("request body has trailing data after the JSON value");
      }
      checkDepth(tree);
      return tree;
    } catch (ApiException e) {
      throw e;
    } catch (JsonParseException | IOException | IllegalStateException e) {
      throw ApiException.invalidRequest("request body is not valid JSON");
    } catch (StackOverflowError e) {
      throw ApiException.invalidRequest("request body is nested too deeply");
    }
  }

  public static JsonElement parseStrict(String body) {
    return parseStrict(new StringReader(body));
  }

  private static void checkDepth(JsonElement root) {
    record Frame(JsonElement element, int depth) {}
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(root, 1));
    while (!stack.isEmpty()) {
      Frame frame = stack.pop();
      if (frame.depth > MAX_DEPTH) {
        throw ApiException.invalidRequest(
            "request body is nested deeper than " + MAX_DEPTH + " levels");
      }
      if (frame.element instanceof JsonObject object) {
        object.entrySet().forEach(e -> stack.push(new Frame(e.getValue(), frame.depth + 1)));
      } else if (frame.element instanceof JsonArray array) {
        array.forEach(e -> stack.push(new Frame(e, frame.depth + 1)));
      }
    }
  }

  /** Instants travel as ISO-8601 UTC strings, the way the dashboard and logs read them. */
  private static final class InstantAdapter extends TypeAdapter<Instant> {
    @Override
    public void write(JsonWriter out, Instant value) throws IOException {
      out.value(value.toString());
    }

    @Override
    public Instant read(JsonReader in) throws IOException {
      return Instant.parse(in.nextString());
    }
  }
}

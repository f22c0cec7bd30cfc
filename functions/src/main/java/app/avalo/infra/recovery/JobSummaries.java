package app.avalo.infra.recovery;

import app.avalo.infra.platform.Json;
import com.google.gson.Gson;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's summary (a record) as the plain map the job runner stores on the run record and returns:
 * components in order, null components kept as nulls (as the summaries' maps always held them),
 * whole numbers as longs.
 */
final class JobSummaries {
  private static final Gson PLAIN =
      Json.GSON
          .newBuilder()
          .serializeNulls()
          .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
          .create();

  private static final Type MAP = new TypeToken<LinkedHashMap<String, Object>>() {}.getType();

  private JobSummaries() {}

  static Map<String, Object> of(Object summary) {
    return PLAIN.fromJson(PLAIN.toJsonTree(summary), MAP);
  }
}

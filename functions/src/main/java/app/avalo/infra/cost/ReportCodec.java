package app.avalo.infra.cost;

import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Json;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code costReports/{yyyy-MM}}: the report exactly as its JSON object reads (whole numbers as
 * integers, other numbers as doubles), plus {@code objects: {bucket, json, csv}} naming the
 * uploaded files.
 */
final class ReportCodec {
  private ReportCodec() {}

  /** Where the report's JSON and CSV were uploaded. */
  record Objects(String bucket, String json, String csv) {}

  static Map<String, Object> toDocument(MonthlyReporter.Report report, Objects objects) {
    Map<String, Object> doc = firestoreValue(Json.toTree(report));
    doc.put(
        "objects",
        DocWriter.create()
            .field("bucket", objects.bucket())
            .field("json", objects.json())
            .field("csv", objects.csv())
            .map());
    return doc;
  }

  /** A JSON tree as Firestore values: whole numbers become longs, other numbers doubles. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> firestoreValue(JsonElement tree) {
    return (Map<String, Object>) convert(tree);
  }

  private static Object convert(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (e instanceof JsonObject o) {
      Map<String, Object> map = new LinkedHashMap<>();
      o.entrySet().forEach(en -> map.put(en.getKey(), convert(en.getValue())));
      return map;
    }
    if (e.isJsonArray()) {
      List<Object> list = new ArrayList<>();
      e.getAsJsonArray().forEach(x -> list.add(convert(x)));
      return list;
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    if (p.isNumber()) {
      BigDecimal n = p.getAsBigDecimal();
      return n.stripTrailingZeros().scale() <= 0
          ? (Object) n.longValueExact()
          : (Object) n.doubleValue();
    }
    return p.getAsString();
  }
}

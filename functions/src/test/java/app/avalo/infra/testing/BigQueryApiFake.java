package app.avalo.infra.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for the BigQuery v2 REST API holding one Cloud Billing standard usage cost
 * export table ({@code gcp_billing_export_v1_…}, rows in the export's own nested shape: {@code
 * service{id,description}}, {@code sku{id,description}}, {@code usage_start_time}, {@code
 * export_time}, {@code cost}, {@code currency}, {@code credits[]{name,amount,type}}, {@code
 * location{region}}).
 *
 * <p>Speaks {@code POST /bigquery/v2/projects/{p}/queries} (jobs.query: QueryRequest in,
 * QueryResponse out) and {@code GET /bigquery/v2/projects/{p}/queries/{jobId}}
 * (jobs.getQueryResults with {@code pageToken}, {@code maxResults}, {@code location}, {@code
 * formatOptions.useInt64Timestamp}), answering the documented shapes: {@code jobReference}, {@code
 * jobComplete}, {@code schema.fields[]{name,type,mode}}, {@code rows[].f[].v} (every value a
 * string), {@code totalRows}, {@code pageToken}; errors as {@code {"error": {code, message,
 * errors[], status}}}.
 *
 * <p>It is not a SQL engine: it checks that the query is the import's (standard SQL, the table in
 * backticks, the {@code @from}/{@code @to}/{@code @services} named parameters with their types, the
 * per hour/service/SKU/currency grouping) and evaluates that query's meaning over its rows — cost
 * and credit amounts summed exactly as NUMERIC, hours truncated, rows filtered by usage start,
 * export time and service description.
 */
public final class BigQueryApiFake implements AutoCloseable {
  private static final DateTimeFormatter SQL_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String[][] SCHEMA = {
    {"hour", "TIMESTAMP"},
    {"service", "STRING"},
    {"sku_id", "STRING"},
    {"sku", "STRING"},
    {"currency", "STRING"},
    {"cost", "NUMERIC"},
    {"credits", "NUMERIC"}
  };

  private final String project;
  private final String table;
  private final String location;
  private final HttpServer server;
  private final List<JsonObject> rows = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Job> jobs = new HashMap<>();
  private final AtomicInteger jobSeq = new AtomicInteger();
  private volatile int pageSize = 100_000;
  private volatile int pendingPolls;
  private volatile JsonObject nextError;
  private volatile int nextErrorCode;

  private static final class Job {
    final List<List<String>> result;
    int pollsLeft;

    Job(List<List<String>> result, int pollsLeft) {
      this.result = result;
      this.pollsLeft = pollsLeft;
    }
  }

  /**
   * @param project the project queries run in
   * @param table the export table as {@code project.dataset.table}
   * @param location the dataset's location, echoed in job references and checked on reads
   */
  public BigQueryApiFake(String project, String table, String location) {
    this.project = project;
    this.table = table;
    this.location = location;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::serve);
    server.start();
  }

  /** {@code http://127.0.0.1:port}, the value of {@code COST_BIGQUERY_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Adds export rows (each the export's JSON shape). */
  public void addRows(JsonArray exportRows) {
    exportRows.forEach(r -> rows.add(r.getAsJsonObject()));
  }

  public void addRow(JsonObject exportRow) {
    rows.add(exportRow);
  }

  /** At most this many rows per answer, whatever {@code maxResults} asks. */
  public void pageSize(int rowsPerPage) {
    this.pageSize = rowsPerPage;
  }

  /** The next query answers {@code jobComplete: false} this many times before its rows. */
  public void pendingPolls(int polls) {
    this.pendingPolls = polls;
  }

  /** The next call fails with a BigQuery error. */
  public void failNext(int httpCode, String status, String reason, String message) {
    nextError = error(httpCode, status, reason, message);
    nextErrorCode = httpCode;
  }

  /** Every request as {@code METHOD path?query}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private synchronized void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        answer(exchange);
      } catch (BadRequest e) {
        reply(exchange, 400, error(400, "INVALID_ARGUMENT", "invalidQuery", e.getMessage()));
      }
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    requests.add(method + " " + path + (query == null ? "" : "?" + query));
    byte[] in = exchange.getRequestBody().readAllBytes();
    if (nextError != null) {
      JsonObject error = nextError;
      nextError = null;
      reply(exchange, nextErrorCode, error);
      return;
    }
    String root = "/bigquery/v2/projects/" + project + "/queries";
    if (method.equals("POST") && path.equals(root)) {
      reply(exchange, 200, query(JsonParser.parseString(new String(in, StandardCharsets.UTF_8))));
    } else if (method.equals("GET") && path.startsWith(root + "/")) {
      reply(exchange, 200, results(path.substring(root.length() + 1), params(query)));
    } else {
      reply(exchange, 404, error(404, "NOT_FOUND", "notFound", "no such method: " + path));
    }
  }

  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }

  private JsonObject query(JsonElement tree) {
    JsonObject req = tree.getAsJsonObject();
    String sql = req.get("query").getAsString();
    if (!req.has("useLegacySql") || req.get("useLegacySql").getAsBoolean()) {
      throw new BadRequest("the import must use GoogleSQL (useLegacySql: false)");
    }
    if (!"NAMED".equals(req.get("parameterMode").getAsString())) {
      throw new BadRequest("parameterMode must be NAMED");
    }
    if (location != null && !location.equals(req.get("location").getAsString())) {
      throw new BadRequest("Not found: Dataset in location " + req.get("location"));
    }
    for (String required :
        List.of(
            "FROM `" + table + "`",
            "usage_start_time >= @from",
            "usage_start_time < @to",
            "service.description IN UNNEST(@services)",
            "GROUP BY hour, service, sku_id, currency")) {
      if (!sql.contains(required)) {
        throw new BadRequest("the query does not contain '" + required + "': " + sql);
      }
    }
    Map<String, JsonObject> parameters = new HashMap<>();
    for (JsonElement p : req.getAsJsonArray("queryParameters")) {
      parameters.put(p.getAsJsonObject().get("name").getAsString(), p.getAsJsonObject());
    }
    Instant from = timestampParameter(parameters.get("from"));
    Instant to = timestampParameter(parameters.get("to"));
    JsonObject services = parameters.get("services");
    if (services == null
        || !"ARRAY".equals(type(services).get("type").getAsString())
        || !"STRING"
            .equals(type(services).getAsJsonObject("arrayType").get("type").getAsString())) {
      throw new BadRequest("@services must be an ARRAY<STRING> parameter");
    }
    Set<String> wanted = new HashSet<>();
    services
        .getAsJsonObject("parameterValue")
        .getAsJsonArray("arrayValues")
        .forEach(v -> wanted.add(v.getAsJsonObject().get("value").getAsString()));
    boolean int64 =
        req.has("formatOptions")
            && req.getAsJsonObject("formatOptions").has("useInt64Timestamp")
            && req.getAsJsonObject("formatOptions").get("useInt64Timestamp").getAsBoolean();

    Map<List<String>, BigDecimal[]> groups = new TreeMap<>(BigQueryApiFake::compare);
    Map<List<String>, String> skuNames = new HashMap<>();
    for (JsonObject row : rows) {
      Instant start = Instant.parse(row.get("usage_start_time").getAsString());
      Instant exported = Instant.parse(row.get("export_time").getAsString());
      String service = row.getAsJsonObject("service").get("description").getAsString();
      if (start.isBefore(from) || !start.isBefore(to) || exported.isBefore(from)) {
        continue;
      }
      if (!wanted.contains(service)) {
        continue;
      }
      Instant hour = start.truncatedTo(ChronoUnit.HOURS);
      List<String> key =
          List.of(
              Long.toString(hour.getEpochSecond()),
              service,
              row.getAsJsonObject("sku").get("id").getAsString(),
              row.get("currency").getAsString());
      BigDecimal[] sums = groups.computeIfAbsent(key, k -> new BigDecimal[] {ZERO, ZERO});
      sums[0] = sums[0].add(row.get("cost").getAsBigDecimal());
      if (row.has("credits")) {
        for (JsonElement c : row.getAsJsonArray("credits")) {
          sums[1] = sums[1].add(c.getAsJsonObject().get("amount").getAsBigDecimal());
        }
      }
      skuNames.putIfAbsent(key, row.getAsJsonObject("sku").get("description").getAsString());
    }
    List<List<String>> result = new ArrayList<>();
    groups.forEach(
        (key, sums) -> {
          long seconds = Long.parseLong(key.get(0));
          List<String> r = new ArrayList<>();
          r.add(int64 ? Long.toString(seconds * 1_000_000L) : seconds + ".0E0");
          r.add(key.get(1));
          r.add(key.get(2));
          r.add(skuNames.get(key));
          r.add(key.get(3));
          r.add(sums[0].stripTrailingZeros().toPlainString());
          r.add(sums[1].stripTrailingZeros().toPlainString());
          result.add(r);
        });
    String jobId = "job_fake" + jobSeq.incrementAndGet();
    Job job = new Job(result, pendingPolls);
    pendingPolls = 0;
    jobs.put(jobId, job);
    int max = req.has("maxResults") ? req.get("maxResults").getAsInt() : Integer.MAX_VALUE;
    if (job.pollsLeft > 0) {
      JsonObject pending = new JsonObject();
      pending.addProperty("kind", "bigquery#queryResponse");
      pending.add("jobReference", jobReference(jobId));
      pending.addProperty("jobComplete", false);
      return pending;
    }
    return page("bigquery#queryResponse", jobId, job, 0, max);
  }

  private static final BigDecimal ZERO = BigDecimal.ZERO;

  private static int compare(List<String> a, List<String> b) {
    for (int i = 0; i < a.size(); i++) {
      int c =
          i == 0
              ? Long.compare(Long.parseLong(a.get(0)), Long.parseLong(b.get(0)))
              : a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private JsonObject results(String jobId, Map<String, String> params) {
    Job job = jobs.get(jobId);
    if (job == null) {
      throw new BadRequest("Not found: Job " + project + ":" + jobId);
    }
    if (location != null && !location.equals(params.get("location"))) {
      throw new BadRequest(
          "Not found: Job " + jobId + " (location " + params.get("location") + ")");
    }
    if (job.pollsLeft > 0) {
      job.pollsLeft--;
      JsonObject pending = new JsonObject();
      pending.addProperty("kind", "bigquery#getQueryResultsResponse");
      pending.add("jobReference", jobReference(jobId));
      pending.addProperty("jobComplete", false);
      return pending;
    }
    String token = params.get("pageToken");
    int offset = token == null ? 0 : Integer.parseInt(token.substring("page-".length()));
    int max =
        params.containsKey("maxResults")
            ? Integer.parseInt(params.get("maxResults"))
            : Integer.MAX_VALUE;
    return page("bigquery#getQueryResultsResponse", jobId, job, offset, max);
  }

  private JsonObject page(String kind, String jobId, Job job, int offset, int max) {
    int size = Math.min(Math.min(max, pageSize), job.result.size() - offset);
    JsonObject out = new JsonObject();
    out.addProperty("kind", kind);
    out.addProperty("etag", "\"fake\"");
    JsonObject schema = new JsonObject();
    JsonArray fields = new JsonArray();
    for (String[] f : SCHEMA) {
      JsonObject field = new JsonObject();
      field.addProperty("name", f[0]);
      field.addProperty("type", f[1]);
      field.addProperty("mode", "NULLABLE");
      fields.add(field);
    }
    schema.add("fields", fields);
    out.add("schema", schema);
    out.add("jobReference", jobReference(jobId));
    out.addProperty("totalRows", Integer.toString(job.result.size()));
    JsonArray rowsOut = new JsonArray();
    for (List<String> r : job.result.subList(offset, offset + size)) {
      JsonArray f = new JsonArray();
      for (String v : r) {
        JsonObject cell = new JsonObject();
        cell.addProperty("v", v);
        f.add(cell);
      }
      JsonObject row = new JsonObject();
      row.add("f", f);
      rowsOut.add(row);
    }
    if (!rowsOut.isEmpty()) {
      out.add("rows", rowsOut);
    }
    if (offset + size < job.result.size()) {
      out.addProperty("pageToken", "page-" + (offset + size));
    }
    out.addProperty("totalBytesProcessed", "1048576");
    out.addProperty("jobComplete", true);
    out.addProperty("cacheHit", false);
    return out;
  }

  private JsonObject jobReference(String jobId) {
    JsonObject ref = new JsonObject();
    ref.addProperty("projectId", project);
    ref.addProperty("jobId", jobId);
    if (location != null) {
      ref.addProperty("location", location);
    }
    return ref;
  }

  private static JsonObject type(JsonObject parameter) {
    return parameter.getAsJsonObject("parameterType");
  }

  private static Instant timestampParameter(JsonObject parameter) {
    if (parameter == null || !"TIMESTAMP".equals(type(parameter).get("type").getAsString())) {
      throw new BadRequest("@from and @to must be TIMESTAMP parameters");
    }
    String value = parameter.getAsJsonObject("parameterValue").get("value").getAsString();
    if (!value.endsWith("+00:00")) {
      throw new BadRequest("a TIMESTAMP parameter needs its time zone: " + value);
    }
    return LocalDateTime.parse(value.substring(0, value.length() - 6), SQL_TIMESTAMP)
        .toInstant(ZoneOffset.UTC);
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null) {
      return out;
    }
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return out;
  }

  private static JsonObject error(int code, String status, String reason, String message) {
    JsonObject error = new JsonObject();
    error.addProperty("code", code);
    error.addProperty("message", message);
    JsonArray errors = new JsonArray();
    JsonObject e = new JsonObject();
    e.addProperty("reason", reason);
    e.addProperty("message", message);
    errors.add(e);
    error.add("errors", errors);
    error.addProperty("status", status);
    JsonObject body = new JsonObject();
    body.add("error", error);
    return body;
  }

  private static void reply(HttpExchange exchange, int code, JsonObject body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.Json;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.common.base.Suppliers;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link BillingExport} over the BigQuery v2 REST API: {@code POST
 * /bigquery/v2/projects/{project}/queries} (jobs.query) with a parameterised GoogleSQL query
 * grouped per usage hour, service and SKU, then {@code GET
 * /bigquery/v2/projects/{project}/queries/{jobId}} (jobs.getQueryResults) while {@code jobComplete}
 * is false and for every further {@code pageToken}. Rows are read by the response's {@code
 * schema.fields} names from {@code rows[].f[].v}; TIMESTAMP values are asked for as int64
 * microseconds ({@code formatOptions.useInt64Timestamp}).
 *
 * <p>Money is summed as NUMERIC in BigQuery (the export's {@code cost} is FLOAT64), so the sums
 * arrive as exact decimal strings.
 */
final class BigQueryBillingExport implements BillingExport {
  private static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final long WAIT_MILLIS = 10_000;
  private static final int PAGE_ROWS = 5_000;
  private static final DateTimeFormatter SQL_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'+00:00'").withZone(ZoneOffset.UTC);

  private final BillingConfig config;
  private final Supplier<String> accessToken;
  private final HttpClient http;
  private final Clock clock;

  /**
   * @param accessToken the bearer token of each call, or null to send none (the loopback fake)
   */
  BigQueryBillingExport(
      BillingConfig config, Supplier<String> accessToken, HttpClient http, Clock clock) {
    this.config = config;
    this.accessToken = accessToken;
    this.http = http;
    this.clock = clock;
  }

  /** Production wiring: default credentials unless the endpoint is the loopback fake. */
  static BigQueryBillingExport configured(BillingConfig config, Clock clock) {
    return new BigQueryBillingExport(
        config,
        config.googleAuth() ? defaultCredentialsToken() : null,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
        clock);
  }

  /** The query, exposed for the fake's checks: table quoted, every value a parameter. */
  String sql() {
    return "SELECT TIMESTAMP_TRUNC(usage_start_time, HOUR) AS hour,"
        + " service.description AS service, sku.id AS sku_id,"
        + " ANY_VALUE(sku.description) AS sku, currency,"
        + " SUM(CAST(cost AS NUMERIC)) AS cost,"
        + " SUM(IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0))"
        + " AS credits"
        + " FROM `"
        + config.table()
        + "`"
        + " WHERE usage_start_time >= @from AND usage_start_time < @to"
        + " AND export_time >= @from"
        + " AND service.description IN UNNEST(@services)"
        + " GROUP BY hour, service, sku_id, currency"
        + " ORDER BY hour, service, sku_id";
  }

  @Override
  public List<Line> read(Instant from, Instant to, Collection<String> services, Instant deadline) {
    JsonObject response = post(queryBody(from, to, services));
    JsonObject job = response.getAsJsonObject("jobReference");
    if (job == null || !job.has("jobId")) {
      throw new IllegalStateException("BigQuery jobs.query answered without a jobReference");
    }
    String jobId = job.get("jobId").getAsString();
    String location = job.has("location") ? job.get("location").getAsString() : null;
    while (!bool(response, "jobComplete")) {
      if (clock.instant().isAfter(deadline)) {
        throw new IllegalStateException(
            "BigQuery job " + jobId + " did not finish before the import's deadline");
      }
      response = getResults(jobId, location, null);
    }
    List<Line> lines = new ArrayList<>();
    readRows(response, lines);
    while (response.has("pageToken") && !response.get("pageToken").isJsonNull()) {
      if (clock.instant().isAfter(deadline)) {
        throw new IllegalStateException(
            "BigQuery job " + jobId + ": pages left when the import's deadline came");
      }
      response = getResults(jobId, location, response.get("pageToken").getAsString());
      readRows(response, lines);
    }
    return lines;
  }

  JsonObject queryBody(Instant from, Instant to, Collection<String> services) {
    JsonObject body = new JsonObject();
    body.addProperty("query", sql());
    body.addProperty("useLegacySql", false);
    body.addProperty("parameterMode", "NAMED");
    body.addProperty("timeoutMs", WAIT_MILLIS);
    body.addProperty("maxResults", PAGE_ROWS);
    if (config.location() != null) {
      body.addProperty("location", config.location());
    }
    JsonObject format = new JsonObject();
    format.addProperty("useInt64Timestamp", true);
    body.add("formatOptions", format);
    JsonArray parameters = new JsonArray();
    parameters.add(scalar("from", "TIMESTAMP", SQL_TIMESTAMP.format(from)));
    parameters.add(scalar("to", "TIMESTAMP", SQL_TIMESTAMP.format(to)));
    JsonObject list = new JsonObject();
    list.addProperty("name", "services");
    JsonObject type = new JsonObject();
    type.addProperty("type", "ARRAY");
    JsonObject element = new JsonObject();
    element.addProperty("type", "STRING");
    type.add("arrayType", element);
    list.add("parameterType", type);
    JsonArray values = new JsonArray();
    for (String service : services) {
      JsonObject v = new JsonObject();
      v.addProperty("value", service);
      values.add(v);
    }
    JsonObject value = new JsonObject();
    value.add("arrayValues", values);
    list.add("parameterValue", value);
    parameters.add(list);
    body.add("queryParameters", parameters);
    return body;
  }

  private static JsonObject scalar(String name, String type, String value) {
    JsonObject parameter = new JsonObject();
    parameter.addProperty("name", name);
    JsonObject t = new JsonObject();
    t.addProperty("type", type);
    parameter.add("parameterType", t);
    JsonObject v = new JsonObject();
    v.addProperty("value", value);
    parameter.add("parameterValue", v);
    return parameter;
  }

  private static void readRows(JsonObject response, List<Line> out) {
    JsonArray rows = response.getAsJsonArray("rows");
    if (rows == null || rows.isEmpty()) {
      return;
    }
    JsonObject schema = response.getAsJsonObject("schema");
    if (schema == null) {
      throw new IllegalStateException("BigQuery answered rows without a schema");
    }
    Map<String, Integer> column = new HashMap<>();
    JsonArray fields = schema.getAsJsonArray("fields");
    for (int i = 0; i < fields.size(); i++) {
      column.put(fields.get(i).getAsJsonObject().get("name").getAsString(), i);
    }
    for (JsonElement row : rows) {
      JsonArray f = row.getAsJsonObject().getAsJsonArray("f");
      out.add(
          new Line(
              timestamp(cell(f, column, "hour")),
              cell(f, column, "service"),
              cell(f, column, "sku_id"),
              cell(f, column, "sku"),
              cell(f, column, "currency"),
              decimal(cell(f, column, "cost")),
              decimal(cell(f, column, "credits"))));
    }
  }

  private static String cell(JsonArray f, Map<String, Integer> column, String name) {
    Integer i = column.get(name);
    if (i == null) {
      throw new IllegalStateException("BigQuery's answer has no column '" + name + "'");
    }
    JsonElement v = f.get(i).getAsJsonObject().get("v");
    return v == null || v.isJsonNull() ? null : v.getAsString();
  }

  /** int64 microseconds (asked for), or the older float seconds form. */
  private static Instant timestamp(String value) {
    if (value == null) {
      throw new IllegalStateException("BigQuery answered a row without its hour");
    }
    if (value.matches("-?\\d+")) {
      long micros = Long.parseLong(value);
      return Instant.ofEpochSecond(
          Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
    BigDecimal seconds = new BigDecimal(value);
    return Instant.ofEpochSecond(seconds.longValue());
  }

  private static BigDecimal decimal(String value) {
    return value == null ? BigDecimal.ZERO : new BigDecimal(value);
  }

  private static boolean bool(JsonObject o, String name) {
    return o.has(name) && !o.get(name).isJsonNull() && o.get(name).getAsBoolean();
  }

  private String projectRoot() {
    return config.endpoint() + "/bigquery/v2/projects/" + encode(config.queryProject());
  }

  private JsonObject post(JsonObject body) {
    return send(
        HttpRequest.newBuilder(URI.create(projectRoot() + "/queries"))
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
        "jobs.query");
  }

  private JsonObject getResults(String jobId, String location, String pageToken) {
    StringBuilder url =
        new StringBuilder(projectRoot())
            .append("/queries/")
            .append(encode(jobId))
            .append("?timeoutMs=")
            .append(WAIT_MILLIS)
            .append("&maxResults=")
            .append(PAGE_ROWS)
            .append("&formatOptions.useInt64Timestamp=true");
    if (location != null) {
      url.append("&location=").append(encode(location));
    }
    if (pageToken != null) {
      url.append("&pageToken=").append(encode(pageToken));
    }
    return send(HttpRequest.newBuilder(URI.create(url.toString())).GET(), "jobs.getQueryResults");
  }

  private JsonObject send(HttpRequest.Builder request, String method) {
    request.timeout(CALL_TIMEOUT);
    if (accessToken != null) {
      request.header("Authorization", "Bearer " + accessToken.get());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "BigQuery could not be reached at " + config.endpoint() + " (" + method + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during BigQuery " + method, e);
    }
    JsonElement tree;
    try {
      tree = Json.parseStrict(new StringReader(response.body()));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "BigQuery " + method + ": HTTP " + response.statusCode() + ", not JSON", e);
    }
    if (response.statusCode() != 200 || !tree.isJsonObject()) {
      throw new IllegalStateException(
          "BigQuery " + method + " failed: HTTP " + response.statusCode() + " " + error(tree));
    }
    return tree.getAsJsonObject();
  }

  private static String error(JsonElement tree) {
    if (tree.isJsonObject() && tree.getAsJsonObject().has("error")) {
      JsonObject error = tree.getAsJsonObject().getAsJsonObject("error");
      return (error.has("status") ? error.get("status").getAsString() + ": " : "")
          + (error.has("message") ? error.get("message").getAsString() : "");
    }
    return "";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Supplier<String> defaultCredentialsToken() {
    Supplier<GoogleCredentials> credentials =
        Suppliers.memoize(
            () -> {
              try {
                return GoogleCredentials.getApplicationDefault().createScoped(SCOPE);
              } catch (IOException e) {
                throw new UncheckedIOException(
                    "no default Google credentials to query the billing export with", e);
              }
            });
    return () -> {
      try {
        GoogleCredentials c = credentials.get();
        c.refreshIfExpired();
        return c.getAccessToken().getTokenValue();
      } catch (IOException e) {
        throw new UncheckedIOException("could not get an access token for BigQuery", e);
      }
    };
  }
}

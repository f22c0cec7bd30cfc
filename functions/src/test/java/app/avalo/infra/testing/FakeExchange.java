package app.avalo.infra.testing;

import app.avalo.infra.platform.Json;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Calls an {@link HttpFunction} in-process with a hand-built request, the way the Functions
 * Framework would, and captures the response. For protocol tests of single functions; end-to-end
 * tests go through the dev server instead.
 */
public final class FakeExchange {
  private String method = "POST";
  private String contentType = "application/json";
  private byte[] body = new byte[0];
  private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  public static FakeExchange post() {
    return new FakeExchange();
  }

  public FakeExchange method(String method) {
    this.method = method;
    return this;
  }

  public FakeExchange contentType(String contentType) {
    this.contentType = contentType;
    return this;
  }

  public FakeExchange header(String name, String value) {
    headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    return this;
  }

  public FakeExchange bearer(String idToken) {
    return header("Authorization", "Bearer " + idToken);
  }

  public FakeExchange body(String raw) {
    this.body = raw.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  /** A callable envelope {@code {"data": data}}. */
  public FakeExchange data(String dataJson) {
    return body("{\"data\":" + dataJson + "}");
  }

  /** The response as seen by a client. */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    public JsonObject json() {
      return Json.parseStrict(body).getAsJsonObject();
    }

    /** {@code result} of a callable answer. */
    public JsonElement result() {
      return json().get("result");
    }

    /** {@code error.status}, or null. */
    public String errorStatus() {
      JsonObject json = json();
      return json.has("error") ? json.getAsJsonObject("error").get("status").getAsString() : null;
    }

    public String errorMessage() {
      return json().getAsJsonObject("error").get("message").getAsString();
    }

    public Optional<String> header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return Optional.of(e.getValue().get(0));
        }
      }
      return Optional.empty();
    }
  }

  public Response send(HttpFunction function) throws Exception {
    Request request = new Request();
    Resp response = new Resp();
    function.service(request, response);
    response.flush();
    return new Response(
        response.status, response.headers, response.out.toString(StandardCharsets.UTF_8));
  }

  private final class Request implements HttpRequest {
    @Override
    public String getMethod() {
      return method;
    }

    @Override
    public String getUri() {
      return "http://localhost/fn";
    }

    @Override
    public String getPath() {
      return "/fn";
    }

    @Override
    public Optional<String> getQuery() {
      return Optional.empty();
    }

    @Override
    public Map<String, List<String>> getQueryParameters() {
      return Map.of();
    }

    @Override
    public Map<String, HttpPart> getParts() {
      return Map.of();
    }

    @Override
    public Optional<String> getContentType() {
      return Optional.ofNullable(contentType);
    }

    @Override
    public long getContentLength() {
      return body.length;
    }

    @Override
    public Optional<String> getCharacterEncoding() {
      return Optional.of("UTF-8");
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return headers;
    }
  }

  private static final class Resp implements HttpResponse {
    int status = 200;
    final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    BufferedWriter writer;

    @Override
    public void setStatusCode(int code) {
      status = code;
    }

    @Override
    public void setStatusCode(int code, String message) {
      status = code;
    }

    @Override
    public void setContentType(String contentType) {
      headers.put("Content-Type", new ArrayList<>(List.of(contentType)));
    }

    @Override
    public Optional<String> getContentType() {
      return Optional.ofNullable(headers.get("Content-Type")).map(l -> l.get(0));
    }

    @Override
    public void appendHeader(String header, String value) {
      headers.computeIfAbsent(header, k -> new ArrayList<>()).add(value);
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return headers;
    }

    @Override
    public OutputStream getOutputStream() {
      return out;
    }

    @Override
    public BufferedWriter getWriter() {
      if (writer == null) {
        writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      }
      return writer;
    }

    void flush() throws IOException {
      if (writer != null) {
        writer.flush();
      }
    }
  }
}

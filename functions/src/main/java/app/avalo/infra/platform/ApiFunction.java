package app.avalo.infra.platform;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The protocol every function speaks, in one place. A subclass implements {@link #handle}; this
 * class does the rest:
 *
 * <ul>
 *   <li>callable functions (access public/user/admin): the Firebase callable protocol — CORS,
 *       {@code POST {"data": …}} in, {@code {"result": …}} out, errors as {@code {"error":
 *       {"status", "message", "details"}}} with the matching HTTP code;
 *   <li>private functions and jobs: plain JSON body in, plain JSON out, the same error shape;
 *   <li>ID-token verification and the access level from the catalog (401 vs 403);
 *   <li>audit records for audited admin actions, structured logs with the request's trace;
 *   <li>unexpected exceptions answer INTERNAL with no detail (the stack trace goes to the log).
 * </ul>
 *
 * <p>The Functions Framework builds one instance by reflection and calls it concurrently, so
 * subclasses keep no per-request state in fields.
 */
public abstract class ApiFunction implements HttpFunction {
  /** Default cap on a request body; media uploads raise it with {@link #maxBodyBytes()}. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  private final Supplier<Platform> platform;

  /**
   * The Functions Framework's path: a subclass's public no-arg constructor passes the composition
   * root's platform as a supplier, resolved on the first request (constructing a function reads no
   * configuration).
   */
  protected ApiFunction(Supplier<Platform> platform) {
    this.platform = platform;
  }

  /** Tests: the function on a given platform. */
  protected ApiFunction(Platform platform) {
    this(() -> platform);
  }

  protected final Platform platform() {
    return platform.get();
  }

  /** Runs the function; the return value becomes {@code result} (or the private body). */
  protected abstract Object handle(Request request) throws Exception;

  protected int maxBodyBytes() {
    return DEFAULT_MAX_BODY_BYTES;
  }

  @Override
  public final void service(HttpRequest http, HttpResponse response) throws IOException {
    Platform app;
    Catalog.Entry entry;
    try {
      app = this.platform.get();
      entry =
          app.catalog()
              .forClass(getClass())
              .orElseThrow(
                  () ->
                      new IllegalStateException(getClass().getName() + " is not in catalog.json"));
    } catch (RuntimeException e) {
      Log.error("function could not start", Map.of("class", getClass().getName()), e);
      writeError(response, new ApiException(Status.INTERNAL, "internal error"));
      return;
    }
    Log.bind(
        entry.name(),
        http.getFirstHeader("X-Cloud-Trace-Context").orElse(null),
        app.config().projectId());
    try {
      serve(app, entry, http, response);
    } finally {
      Log.unbind();
    }
  }

  private void serve(Platform app, Catalog.Entry entry, HttpRequest http, HttpResponse response)
      throws IOException {
    if (entry.httpGet() && "GET".equals(http.getMethod())) {
      probe(app, entry, http, response);
      return;
    }
    boolean callable = entry.usesCallableProtocol();
    if (callable && !Cors.apply(app.config().corsAllowedOrigins(), http, response)) {
      return; // a preflight, answered
    }
    JsonElement body = null;
    Caller caller = null;
    try {
      body = readBody(http);
      Fields data;
      data = callable ? unwrapEnvelope(body) : Fields.of(body == null ? new JsonObject() : body);
      caller = callable ? authenticate(app, entry, http) : Caller.SERVICE;
      Request request =
          new Request(entry, caller, data, http::getFirstHeader, app.clock().instant());
      Object result = handle(request);
      if (entry.audited()) {
        audit(app, entry, caller, body, "ok");
      }
      writeResult(response, result, callable);
    } catch (ApiException e) {
      // Refused input and refused callers changed nothing: they are logged, not audited, so a
      // malformed request writes nothing at all.
      if (entry.audited() && caller != null && e.status() != Status.INVALID_ARGUMENT) {
        audit(app, entry, caller, body, e.status().name() + ": " + e.getMessage());
      }
      if (e.status().httpCode() >= 500) {
        Log.error("request failed: " + e.getMessage(), Map.of("status", e.status().name()), e);
      } else {
        Log.info("request refused: " + e.getMessage(), Map.of("status", e.status().name()));
      }
      writeError(response, e);
    } catch (Exception | Error e) {
      Log.error("unexpected failure", Map.of("exception", e.getClass().getName()), e);
      if (entry.audited() && caller != null) {
        audit(app, entry, caller, body, "INTERNAL");
      }
      writeError(response, new ApiException(Status.INTERNAL, "internal error"));
    }
  }

  /**
   * A plain {@code GET} of an {@code httpGet} function (a health probe): no body, no token, the
   * result as the body with the code it asks for ({@link ProbeAnswer}), no envelope.
   */
  private void probe(Platform app, Catalog.Entry entry, HttpRequest http, HttpResponse response)
      throws IOException {
    try {
      Request request =
          new Request(
              entry,
              Caller.ANONYMOUS,
              Fields.of(new JsonObject()),
              http::getFirstHeader,
              app.clock().instant());
      Object result = handle(request);
      int code = result instanceof ProbeAnswer answer ? answer.httpStatus() : 200;
      response.appendHeader("Cache-Control", "no-store");
      write(response, code, Json.toTree(result));
    } catch (Exception | Error e) {
      Log.error("probe failed", Map.of("exception", e.getClass().getName()), e);
      writeError(response, new ApiException(Status.UNAVAILABLE, "unavailable"));
    }
  }

  /** A result that chooses the HTTP status of a plain {@code GET} answer (200 or 503). */
  public interface ProbeAnswer {
    int httpStatus();
  }

  private JsonElement readBody(HttpRequest http) throws IOException {
    if (!"POST".equals(http.getMethod())) {
      throw ApiException.invalidRequest("only POST is accepted (got " + http.getMethod() + ")");
    }
    String type = http.getContentType().orElse("").toLowerCase(Locale.ROOT);
    byte[] bytes = readLimited(http.getInputStream(), maxBodyBytes());
    if (bytes.length == 0) {
      return null;
    }
    if (!type.startsWith("application/json")) {
      throw ApiException.invalidRequest("Content-Type must be application/json");
    }
    return Json.parseStrict(
        new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
  }

  private static byte[] readLimited(InputStream in, int limit) throws IOException {
    byte[] bytes = in.readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw ApiException.invalidRequest("request body is larger than " + limit + " bytes");
    }
    return bytes;
  }

  private static Fields unwrapEnvelope(JsonElement body) {
    if (body == null || !body.isJsonObject()) {
      throw ApiException.invalidRequest("request body must be a JSON object {\"data\": …}");
    }
    JsonObject envelope = body.getAsJsonObject();
    if (!envelope.has("data")) {
      throw ApiException.invalidRequest("request body must have a \"data\" field");
    }
    for (String key : envelope.keySet()) {
      if (!key.equals("data")) {
        throw ApiException.invalidRequest(
            "unexpected top-level field \"" + key + "\" (only \"data\" is allowed)");
      }
    }
    return Fields.of(envelope.get("data"));
  }

  private static Caller authenticate(Platform app, Catalog.Entry entry, HttpRequest http) {
    Optional<String> header = http.getFirstHeader("Authorization");
    Caller caller = Caller.ANONYMOUS;
    if (header.isPresent()) {
      String value = header.get().trim();
      if (!value.regionMatches(true, 0, "Bearer ", 0, 7) || value.length() <= 7) {
        throw ApiException.unauthenticated("Authorization must be 'Bearer <Firebase ID token>'");
      }
      caller = app.tokenVerifier().verify(value.substring(7).trim());
    }
    switch (entry.access()) {
      case USER -> caller.requireUid();
      case ADMIN -> {
        caller.requireUid();
        if (!caller.admin()) {
          throw ApiException.permissionDenied("this function is for admins");
        }
      }
      default -> {}
    }
    return caller;
  }

  private static void audit(
      Platform app, Catalog.Entry entry, Caller caller, JsonElement body, String outcome) {
    try {
      JsonElement args =
          body != null && body.isJsonObject() ? body.getAsJsonObject().get("data") : null;
      app.auditLog().record(caller, entry.name(), args, outcome);
    } catch (RuntimeException e) {
      Log.error(
          "audit record could not be written",
          Map.of("action", entry.name(), "outcome", outcome),
          e);
    }
  }

  private static void writeResult(HttpResponse response, Object result, boolean callable)
      throws IOException {
    JsonElement tree = Json.toTree(result);
    JsonElement body = tree;
    if (callable) {
      JsonObject envelope = new JsonObject();
      envelope.add("result", tree);
      body = envelope;
    }
    write(response, 200, body);
  }

  private static void writeError(HttpResponse response, ApiException e) throws IOException {
    JsonObject error = new JsonObject();
    error.addProperty("status", e.status().name());
    error.addProperty("message", e.getMessage());
    if (e.details() != null) {
      error.add("details", Json.toTree(e.details()));
    }
    JsonObject body = new JsonObject();
    body.add("error", error);
    write(response, e.status().httpCode(), body);
  }

  private static void write(HttpResponse response, int code, JsonElement body) throws IOException {
    response.setStatusCode(code);
    response.setContentType("application/json; charset=utf-8");
    Writer writer = response.getWriter();
    writer.write(Json.GSON.toJson(body));
    writer.flush();
  }

  /** CORS for callable functions, per the configured allowed origins. */
  static final class Cors {
    private Cors() {}

    /** Adds CORS headers; answers a preflight and returns false, otherwise returns true. */
    static boolean apply(List<String> allowed, HttpRequest http, HttpResponse response) {
      Optional<String> origin = http.getFirstHeader("Origin");
      boolean allowedOrigin = origin.isPresent() && matches(allowed, origin.get());
      if (allowedOrigin) {
        response.appendHeader("Access-Control-Allow-Origin", origin.get());
        response.appendHeader("Vary", "Origin");
      }
      if (!"OPTIONS".equals(http.getMethod())) {
        return true;
      }
      if (allowedOrigin) {
        response.appendHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
        response.appendHeader(
            "Access-Control-Allow-Headers",
            http.getFirstHeader("Access-Control-Request-Headers")
                .orElse("Authorization, Content-Type"));
        response.appendHeader("Access-Control-Max-Age", "3600");
      }
      response.setStatusCode(allowedOrigin ? 204 : 403);
      return false;
    }

    static boolean matches(List<String> allowed, String origin) {
      for (String pattern : allowed) {
        if (pattern.equals("*") || pattern.equals(origin)) {
          return true;
        }
        if (pattern.endsWith(":*")) {
          String base = pattern.substring(0, pattern.length() - 1);
          if (origin.startsWith(base) && origin.substring(base.length()).matches("\\d{1,5}")) {
            return true;
          }
        }
      }
      return false;
    }
  }
}

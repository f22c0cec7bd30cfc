package app.avalo.infra.localstack;

import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Json;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one function the Functions Framework invoker hosts in the dev server: it dispatches to every
 * catalogued function at {@code /{name}} and at the Firebase emulator path {@code
 * /{projectId}/{region}/{name}} (what {@code connectFunctionsEmulator} calls), serves the admin
 * dashboard and its local Firebase config, the local health endpoints the seeded regions probe, and
 * the in-memory Cloud Storage (public media, signed URLs, Firebase uploads; {@link
 * LocalStorageHost}) and the local alert receivers ({@link LocalReceivers}).
 *
 * <p>The invoker builds this class by reflection, so its routes come from {@link #install}.
 */
public final class DevRouter implements HttpFunction {
  private static volatile Routes routes;

  /** What the router serves; built by {@link DevServer}. */
  public record Routes(
      Catalog catalog,
      Map<String, HttpFunction> functions,
      String projectId,
      Path adminWeb,
      Map<String, Object> firebaseInit,
      LocalHealth health,
      LocalStorageHost storage,
      Map<String, String> hostingHeaders,
      LocalReceivers receivers) {}

  static void install(Routes r) {
    routes = r;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    Routes r = routes;
    if (r == null) {
      sendJson(
          response,
          503,
          Map.of("error", Map.of("status", "UNAVAILABLE", "message", "dev server is starting")));
      return;
    }
    String path = request.getPath();
    if (path.equals("/") || path.equals("/admin")) {
      response.setStatusCode(302);
      response.appendHeader("Location", "/admin/");
      return;
    }
    if (path.equals("/__/firebase/init.json")) {
      sendJson(response, 200, r.firebaseInit());
      return;
    }
    if (path.startsWith("/_local/health/")) {
      r.health()
          .serve(
              path.substring("/_local/health/".length()),
              request,
              response,
              resolve(r, "/regionHealth").orElse(null));
      return;
    }
    if (LocalReceivers.handles(path)) {
      r.receivers().serve(request, response);
      return;
    }
    if (path.startsWith(LocalStorageHost.ROOT + "/")) {
      r.storage().serveObject(request, response);
      return;
    }
    if (path.startsWith("/v0/b/")) {
      r.storage().firebaseUpload(request, response);
      return;
    }
    if (path.equals("/_local/functions")) {
      Map<String, Object> list = new LinkedHashMap<>();
      r.catalog()
          .entries()
          .forEach(e -> list.put(e.name(), Map.of("kind", e.kind(), "access", e.access())));
      sendJson(response, 200, list);
      return;
    }
    if (path.startsWith("/admin/")) {
      r.hostingHeaders().forEach(response::appendHeader);
      serveStatic(r.adminWeb(), path.substring("/admin/".length()), response);
      return;
    }
    Optional<HttpFunction> function = resolve(r, path);
    if (function.isPresent()) {
      function.get().service(request, response);
      return;
    }
    // Read the (small) body before answering: a request body left unread can make the server close
    // the connection, and a client that reuses it then sees no response at all.
    try (var body = request.getInputStream()) {
      body.readNBytes(1 << 20);
    }
    sendJson(
        response,
        404,
        Map.of(
            "error", Map.of("status", "NOT_FOUND", "message", "no function or page at " + path)));
  }

  private static Optional<HttpFunction> resolve(Routes r, String path) {
    String[] parts = path.substring(1).split("/");
    if (parts.length == 1) {
      return Optional.ofNullable(r.functions().get(parts[0]));
    }
    if (parts.length == 3 && parts[0].equals(r.projectId())) {
      return Optional.ofNullable(r.functions().get(parts[2]));
    }
    return Optional.empty();
  }

  private static final Map<String, String> TYPES =
      new ConcurrentHashMap<>(
          Map.of(
              "html",
              "text/html; charset=utf-8",
              "js",
              "text/javascript; charset=utf-8",
              "mjs",
              "text/javascript; charset=utf-8",
              "css",
              "text/css; charset=utf-8",
              "json",
              "application/json",
              "svg",
              "image/svg+xml",
              "png",
              "image/png",
              "map",
              "application/json",
              "ico",
              "image/x-icon"));

  private static void serveStatic(Path root, String relative, HttpResponse response)
      throws IOException {
    if (relative.isEmpty()) {
      relative = "index.html";
    }
    Path file = root.resolve(relative).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      sendJson(
          response,
          404,
          Map.of("error", Map.of("status", "NOT_FOUND", "message", "no file " + relative)));
      return;
    }
    String name = file.getFileName().toString();
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    response.setStatusCode(200);
    response.setContentType(TYPES.getOrDefault(ext, "application/octet-stream"));
    response.appendHeader("Cache-Control", "no-cache");
    try (OutputStream out = response.getOutputStream()) {
      Files.copy(file, out);
    }
  }

  static void sendJson(HttpResponse response, int status, Object body) throws IOException {
    response.setStatusCode(status);
    response.setContentType("application/json; charset=utf-8");
    var writer = response.getWriter();
    writer.write(Json.write(body));
    writer.flush();
  }
}

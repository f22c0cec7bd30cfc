package app.avalo.infra.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A harmless request that proves a new revision starts and answers: for app-facing functions a CORS
 * preflight from the Hosting origin (answered before any handler runs, changes nothing), for
 * private functions a GET, which the platform refuses with 400 INVALID_ARGUMENT after the app
 * (config, catalog, clients) initialised — never a POST, which would run a job. catalog.json may
 * override it per function with {@code "probe": {"method": "…", "expect": 204}}.
 */
record Probe(String method, int expect, Map<String, String> headers) {

  static Probe forFunction(boolean callable, String project, String method, Integer expect) {
    Map<String, String> headers = new LinkedHashMap<>();
    String m = method != null ? method : callable ? "OPTIONS" : "GET";
    if ("OPTIONS".equals(m)) {
      headers.put("Origin", "https://" + project + ".web.app");
      headers.put("Access-Control-Request-Method", "POST");
    }
    int e = expect != null ? expect : "OPTIONS".equals(m) ? 204 : 400;
    return new Probe(m, e, headers);
  }

  /** Null when the answer is the expected one, otherwise what went wrong. */
  String check(String url, String bearer) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(b.build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == expect
          ? null
          : method
              + " "
              + url
              + " answered "
              + r.statusCode()
              + " (expected "
              + expect
              + "): "
              + r.body().substring(0, Math.min(200, r.body().length()));
    } catch (IOException e) {
      return method + " " + url + " failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The same request as a curl command line, for the printed plan. */
  List<String> curl(String urlWord) {
    List<String> words =
        new ArrayList<>(
            List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", method));
    headers.forEach(
        (k, v) -> {
          words.add("-H");
          words.add(k + ": " + v);
        });
    words.add(urlWord);
    return words;
  }
}

package app.avalo.infra.bench;

import app.avalo.infra.localstack.DevServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** What every scenario gets: the running dev server, tokens, an HTTP client and the report. */
record Bench(
    DevServer server,
    String userToken,
    String adminToken,
    HttpClient http,
    Report report,
    boolean quick) {

  /** Measurement length, shortened by --quick (for checking the harness, not for numbers). */
  Duration measure(Duration full) {
    return quick ? Duration.ofMillis(Math.max(1000, full.toMillis() / 10)) : full;
  }

  HttpResponse<String> post(String function, String body, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + function))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts and fails unless the answer is 200. */
  String ok(String function, String body, String token) throws IOException, InterruptedException {
    HttpResponse<String> r = post(function, body, token);
    if (r.statusCode() != 200) {
      throw new IllegalStateException(function + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}

package app.avalo.infra.localstack;

import app.avalo.infra.platform.Json;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls functions through a running dev server over HTTP, as an app or a backend would. */
public final class DevClient {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public DevClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A raw answer: HTTP status and body. */
  public record Answer(int status, String body) {
    public JsonObject json() {
      return Json.parseStrict(body).getAsJsonObject();
    }
  }

  /**
   * POSTs a raw body to {@code /{function}} with optional bearer token and extra headers (name,
   * value, …).
   */
  public Answer post(String function, String body, String idToken, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/" + function))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idToken != null) {
      request.header("Authorization", "Bearer " + idToken);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new IllegalStateException("dev server unreachable at " + baseUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Calls a callable function with {@code {"data": dataJson}}; returns {@code result} or throws
   * with the error.
   */
  public JsonElement call(String function, String dataJson, String idToken) {
    Answer answer = post(function, "{\"data\":" + dataJson + "}", idToken);
    if (answer.status() != 200) {
      throw new IllegalStateException(
          function + " answered " + answer.status() + ": " + answer.body());
    }
    return answer.json().get("result");
  }

  /** Calls a private function with a plain JSON body; returns the body or throws with the error. */
  public JsonElement callPrivate(String function, String bodyJson) {
    Answer answer = post(function, bodyJson, null);
    if (answer.status() != 200) {
      throw new IllegalStateException(
          function + " answered " + answer.status() + ": " + answer.body());
    }
    return Json.parseStrict(answer.body());
  }
}

package app.avalo.infra.alerting;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The one way the HTTP receivers post: bounded in time, failures classified for retry. */
final class HttpDelivery {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;

  HttpDelivery(HttpClient http) {
    this.http = http;
  }

  static HttpClient defaultClient() {
    return HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /** POSTs {@code body}; returns the answer when its status is in {@code okStatuses}. */
  HttpResponse<String> post(
      String receiver,
      URI uri,
      String contentType,
      String body,
      Map<String, String> headers,
      int... okStatuses)
      throws DeliveryException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DeliveryException(receiver + " unreachable: " + e, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException(receiver + " delivery interrupted", true, e);
    }
    for (int ok : okStatuses) {
      if (response.statusCode() == ok) {
        return response;
      }
    }
    throw DeliveryException.ofStatus(receiver, response.statusCode(), response.body());
  }

  /**
   * {@code path} below {@code base}, keeping the base's own path ({@code URI.resolve} with an
   * absolute path would drop it, e.g. {@code
   * http://127.0.0.1:5000/_local/notifications/pagerduty}).
   */
  static URI under(URI base, String path) {
    String b = base.toString();
    return URI.create(b.endsWith("/") ? b + path : b + "/" + path);
  }
}

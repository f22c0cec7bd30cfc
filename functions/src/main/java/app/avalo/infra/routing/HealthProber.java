package app.avalo.infra.routing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes every region's health URL at once with a real HTTP GET: a 2xx within the timeouts is a
 * success and its latency (to the response headers) is recorded; anything else — another status, a
 * refused or timed-out connection, no answer within the request timeout — is a failure with a short
 * reason. One {@link HttpClient} per instance, shared (it is thread-safe).
 */
public final class HealthProber {
  private final HttpClient http;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Clock clock;

  public HealthProber(Duration connectTimeout, Duration requestTimeout, Clock clock) {
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The header naming the vantage a probe comes from (for the endpoint's logs and local tests). */
  public static final String VANTAGE_HEADER = "X-Avalo-Health-Vantage";

  /**
   * Probes all regions concurrently from {@code vantage}; returns each region's check, keyed by
   * region id, in input order.
   */
  public Map<String, HealthCheck> probeAll(String vantage, List<Region> regions) {
    Map<String, CompletableFuture<HealthCheck>> pending = new LinkedHashMap<>();
    for (Region region : regions) {
      pending.put(region.id(), probe(vantage, region.definition().healthUrl()));
    }
    Map<String, HealthCheck> results = new LinkedHashMap<>();
    pending.forEach((id, future) -> results.put(id, future.join()));
    return results;
  }

  /** One probe; the future always completes (failures are results, not exceptions). */
  CompletableFuture<HealthCheck> probe(String vantage, String url) {
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(url))
              .GET()
              .timeout(requestTimeout)
              .header("User-Agent", "avalo-routing-health-check")
              .header("Cache-Control", "no-cache")
              .header(VANTAGE_HEADER, vantage)
              .build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          HealthCheck.failure(clock.instant(), "invalid health URL"));
    }
    var at = clock.instant();
    long started = System.nanoTime();
    // The request timeout covers the wait for the response headers; the overall bound also covers
    // connection set-up and a body that trickles in after the headers.
    long overallMillis = connectTimeout.plus(requestTimeout).toMillis();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .orTimeout(overallMillis, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
              if (error != null) {
                return HealthCheck.failure(at, describe(unwrap(error)));
              }
              int code = response.statusCode();
              if (code < 200 || code > 299) {
                return HealthCheck.failure(at, "HTTP " + code);
              }
              return HealthCheck.success(at, latencyMs);
            });
  }

  private String describe(Throwable error) {
    if (error instanceof HttpConnectTimeoutException) {
      return "connect timeout after " + connectTimeout.toMillis() + " ms";
    }
    if (error instanceof HttpTimeoutException || error instanceof TimeoutException) {
      return "timeout after " + requestTimeout.toMillis() + " ms";
    }
    if (error instanceof ConnectException) {
      return "connection refused";
    }
    if (error instanceof IOException) {
      return "I/O error: "
          + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
    }
    return error.getClass().getSimpleName();
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}

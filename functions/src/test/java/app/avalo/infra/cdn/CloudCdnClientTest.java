package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.compute.v1.UrlMapsClient;
import com.google.cloud.compute.v1.UrlMapsSettings;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The real Google clients, wired the way the adapters use them, against a loopback stand-in for the
 * Compute REST API: proves the pinned client versions work together and what goes on the wire.
 */
class CloudCdnClientTest {
  @Test
  void cloudCdnPurgeSendsTheInvalidationToTheUrlMapAndReturnsTheOperation() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
          String path = exchange.getRequestURI().getPath();
          String answer =
              """
              {"name": "operation-123", "status": "%s", "kind": "compute#operation"}
              """
                  .formatted(path.endsWith("/invalidateCache") ? "RUNNING" : "DONE");
          byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    try (UrlMapsClient client =
        UrlMapsClient.create(
            UrlMapsSettings.newBuilder()
                .setCredentialsProvider(NoCredentialsProvider.create())
                .setEndpoint("http://127.0.0.1:" + server.getAddress().getPort())
                .build())) {
      CloudCdnPurger purger =
          new CloudCdnPurger("avalo-prod", "media-cdn", "cdn.avalo.app", () -> client);

      CachePurger.PurgeResult result =
          purger.purge(
              new CachePurger.PurgeRequest(
                  "purge-9",
                  List.of(),
                  List.of(URI.create("https://cdn.avalo.app/media/images/u1/img_1/")),
                  false));

      assertEquals(List.of("operation-123"), result.operations());
      String call = requests.get(0);
      assertTrue(
          call.startsWith(
              "POST /compute/v1/projects/avalo-prod/global/urlMaps/media-cdn/invalidateCache"),
          call);
      assertTrue(call.contains("requestId="), call);
      assertTrue(
          call.contains("\"path\":\"/media/images/u1/img_1/*\"")
              && call.contains("\"host\":\"cdn.avalo.app\""),
          call);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void cloudMonitoringClientBuildsWithThePinnedLibraries() throws Exception {
    try (MetricServiceClient client =
        MetricServiceClient.create(
            MetricServiceSettings.newBuilder()
                .setCredentialsProvider(NoCredentialsProvider.create())
                .setEndpoint("127.0.0.1:1")
                .build())) {
      CloudMonitoringEgressSource source =
          new CloudMonitoringEgressSource("avalo-prod", "media-cdn", () -> client);
      assertEquals("cloud-monitoring", source.name());
    }
  }
}

package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.ConfigReader;
import com.google.api.Metric;
import com.google.cloud.compute.v1.InvalidateCacheUrlMapRequest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.monitoring.v3.Aggregation;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * CDN and metrics adapters: the requests they would send, built and checked without any network.
 */
class CdnAdaptersTest {
  private static final CachePurger.PurgeRequest ASSET =
      new CachePurger.PurgeRequest(
          "purge-1",
          List.of(
              URI.create("https://cdn.avalo.app/media/images/u1/img_1/full.webp"),
              URI.create("https://cdn.avalo.app/media/images/u1/img_1/s150.jpg")),
          List.of(URI.create("https://cdn.avalo.app/media/images/u1/img_1/")),
          false);

  @Test
  void cloudCdnInvalidatesAnAssetByItsFolderAndEverythingBySlashStar() {
    CloudCdnPurger purger =
        new CloudCdnPurger(
            "avalo-prod",
            "media-cdn",
            "cdn.avalo.app",
            () -> {
              throw new AssertionError("no client needed to build requests");
            });

    List<InvalidateCacheUrlMapRequest> asset = purger.requests(ASSET);
    assertEquals(1, asset.size());
    assertEquals("avalo-prod", asset.get(0).getProject());
    assertEquals("media-cdn", asset.get(0).getUrlMap());
    assertEquals(
        "/media/images/u1/img_1/*", asset.get(0).getCacheInvalidationRuleResource().getPath());
    assertEquals("cdn.avalo.app", asset.get(0).getCacheInvalidationRuleResource().getHost());
    assertEquals(
        asset.get(0).getRequestId(),
        purger.requests(ASSET).get(0).getRequestId(),
        "a retried purge reuses its request id, so Compute does not invalidate twice");

    List<InvalidateCacheUrlMapRequest> all =
        purger.requests(CachePurger.PurgeRequest.everything("purge-2"));
    assertEquals(1, all.size());
    assertEquals("/*", all.get(0).getCacheInvalidationRuleResource().getPath());

    List<InvalidateCacheUrlMapRequest> exact =
        new CloudCdnPurger("p", "m", null, () -> null)
            .requests(new CachePurger.PurgeRequest("purge-3", ASSET.urls(), List.of(), false));
    assertEquals(
        List.of("/media/images/u1/img_1/full.webp", "/media/images/u1/img_1/s150.jpg"),
        exact.stream().map(r -> r.getCacheInvalidationRuleResource().getPath()).toList());
    assertTrue(exact.stream().noneMatch(r -> r.getCacheInvalidationRuleResource().hasHost()));
  }

  @Test
  void cloudflarePurgesUrlsInBatchesOfThirtyAndEverythingWithOneCall() {
    CloudflarePurger purger =
        new CloudflarePurger(
            URI.create("https://api.cloudflare.com/client/v4"),
            "zone123",
            "secret-token",
            HttpClient.newHttpClient());
    List<URI> urls =
        IntStream.range(0, 65)
            .mapToObj(i -> URI.create("https://cdn.avalo.app/media/v/seg_" + i + ".ts"))
            .toList();

    List<CloudflarePurger.Call> calls =
        purger.calls(new CachePurger.PurgeRequest("p", urls, List.of(), false));

    assertEquals(3, calls.size());
    assertEquals(
        URI.create("https://api.cloudflare.com/client/v4/zones/zone123/purge_cache"),
        calls.get(0).uri());
    List<String> sent = new ArrayList<>();
    for (CloudflarePurger.Call call : calls) {
      JsonObject body = JsonParser.parseString(call.body()).getAsJsonObject();
      assertEquals(1, body.size(), call.body());
      body.getAsJsonArray("files").forEach(f -> sent.add(f.getAsString()));
    }
    assertEquals(
        List.of(30, 30, 5),
        calls.stream()
            .map(
                c ->
                    JsonParser.parseString(c.body())
                        .getAsJsonObject()
                        .getAsJsonArray("files")
                        .size())
            .toList());
    assertEquals(urls.stream().map(URI::toString).toList(), sent);

    List<CloudflarePurger.Call> all = purger.calls(CachePurger.PurgeRequest.everything("p2"));
    assertEquals(
        List.of("{\"purge_everything\":true}"),
        all.stream().map(CloudflarePurger.Call::body).toList());

    HttpRequest http = purger.httpRequest(all.get(0));
    assertEquals("POST", http.method());
    assertEquals("Bearer secret-token", http.headers().firstValue("Authorization").orElseThrow());
    assertEquals("application/json", http.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void cloudflareAnswersAreCheckedForSuccess() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> bodies = new ArrayList<>();
    server.createContext(
        "/client/v4/zones/",
        exchange -> {
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          boolean denied = exchange.getRequestURI().getPath().contains("/zones/denied/");
          String refused =
              """
              {"success": false, "errors": [{"code": 10000, "message": "Authentication error"}]}
              """;
          String purged =
              """
              {"success": true, "errors": [], "result": {"id": "purge-abc"}}
              """;
          byte[] answer = (denied ? refused : purged).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(denied ? 403 : 200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4");
      CloudflarePurger ok = new CloudflarePurger(base, "zone123", "t", HttpClient.newHttpClient());
      CachePurger.PurgeResult result = ok.purge(ASSET);
      assertEquals(List.of("purge-abc"), result.operations());
      assertTrue(bodies.get(0).contains("full.webp"), bodies.toString());

      CloudflarePurger denied =
          new CloudflarePurger(base, "denied", "t", HttpClient.newHttpClient());
      Exception e = assertThrows(IllegalStateException.class, () -> denied.purge(ASSET));
      assertTrue(
          e.getMessage().contains("403") && e.getMessage().contains("Authentication error"),
          e.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void cloudMonitoringQueriesTheUrlMapsEgressGroupedByContinentAndCacheResult() {
    CloudMonitoringEgressSource source =
        new CloudMonitoringEgressSource(
            "avalo-prod",
            "media-cdn",
            () -> {
              throw new AssertionError("no client needed to build requests");
            });
    Instant from = Instant.parse("2026-11-27T09:00:00Z");
    Instant to = Instant.parse("2026-11-27T10:00:00Z");

    ListTimeSeriesRequest request =
        source.request(CloudMonitoringEgressSource.BYTES_METRIC, from, to);

    assertEquals("projects/avalo-prod", request.getName());
    assertEquals(
        "metric.type=\"loadbalancing.googleapis.com/https/response_bytes_count\" AND "
            + "resource.type=\"https_lb_rule\" AND resource.label.url_map_name=\"media-cdn\"",
        request.getFilter());
    assertEquals(from.getEpochSecond(), request.getInterval().getStartTime().getSeconds());
    assertEquals(to.getEpochSecond(), request.getInterval().getEndTime().getSeconds());
    assertEquals(3600, request.getAggregation().getAlignmentPeriod().getSeconds());
    assertEquals(Aggregation.Reducer.REDUCE_SUM, request.getAggregation().getCrossSeriesReducer());
    assertEquals(
        List.of("metric.label.proxy_continent", "metric.label.cache_result"),
        request.getAggregation().getGroupByFieldsList());

    List<TimeSeries> bytes =
        List.of(
            series("Europe", "HIT", 700),
            series("Europe", "MISS", 300),
            series("Asia", "MISS", 50),
            series("South America", "HIT", 20),
            series("Oceania", "MISS", 10));
    List<TimeSeries> requests =
        List.of(series("Europe", "HIT", 9), series("Europe", "MISS", 1), series("Asia", "MISS", 4));
    List<EgressSource.Sample> samples = CloudMonitoringEgressSource.samples(bytes, requests);
    assertEquals(
        List.of(
            new EgressSource.Sample("all", "ASIA", 50, 4, 0),
            new EgressSource.Sample("all", "AU", 10, 0, 0),
            new EgressSource.Sample("all", "EU", 1000, 10, 9),
            new EgressSource.Sample("all", "SA", 20, 0, 0)),
        samples,
        "split by the five cache regions, each priced per region by the cost domain");
  }

  @Test
  void hlsLadderNeverUpscalesAndFollowsTheShortEdge() {
    assertEquals(
        List.of("1080p:1920x1080", "720p:1280x720", "480p:852x480", "360p:640x360"),
        names(HlsLadder.forSource(3840, 2160)));
    assertEquals(
        List.of("720p:1280x720", "480p:852x480", "360p:640x360"),
        names(HlsLadder.forSource(1280, 720)));
    assertEquals(
        List.of("1080p:1080x1920", "720p:720x1280", "480p:480x852", "360p:360x640"),
        names(HlsLadder.forSource(1080, 1920)));
    assertEquals(List.of("240p:320x240"), names(HlsLadder.forSource(320, 240)));
  }

  @Test
  void productionConfigurationRequiresBucketAdapterAndItsCredentials() {
    Map<String, String> env =
        new HashMap<>(Map.of("GOOGLE_CLOUD_PROJECT", "avalo-prod", "K_SERVICE", "uploadImage"));
    ConfigReader reader = new ConfigReader(env);
    CdnConfig.read(reader, AppConfig.read(reader, env));
    IllegalStateException missing =
        assertThrows(IllegalStateException.class, reader::throwIfInvalid);
    assertTrue(
        missing.getMessage().contains("MEDIA_BUCKET")
            && missing.getMessage().contains("CDN_ADAPTER")
            && missing.getMessage().contains("UPLOAD_BUCKET is missing"),
        missing.getMessage());
    for (String tasks :
        List.of(
            "VIDEO_TRANSCODE_QUEUE",
            "CLOUD_TASKS_LOCATION",
            "TASKS_INVOKER_SERVICE_ACCOUNT",
            "TASKS_TARGET_BASE_URL")) {
      assertTrue(
          missing.getMessage().contains(tasks + " is missing"),
          tasks + ": " + missing.getMessage());
    }
    // What the deploy puts in every function's env (deploy.json taskQueues).
    env.putAll(
        Map.of(
            "VIDEO_TRANSCODE_QUEUE",
            "video-transcode",
            "CLOUD_TASKS_LOCATION",
            "europe-west10",
            "TASKS_INVOKER_SERVICE_ACCOUNT",
            "avalo-tasks@avalo-prod.iam.gserviceaccount.com",
            "TASKS_TARGET_BASE_URL",
            "https://europe-west10-avalo-prod.cloudfunctions.net"));

    env.putAll(
        Map.of(
            "MEDIA_BUCKET",
            "avalo-media",
            "UPLOAD_BUCKET",
            "avalo-uploads",
            "CDN_ADAPTER",
            "cloudflare",
            "IMAGE_MAX_PIXELS",
            "12"));
    ConfigReader cloudflare = new ConfigReader(env);
    CdnConfig.read(cloudflare, AppConfig.read(cloudflare, env));
    IllegalStateException incomplete =
        assertThrows(IllegalStateException.class, cloudflare::throwIfInvalid);
    assertTrue(
        incomplete.getMessage().contains("CLOUDFLARE_ZONE_ID")
            && incomplete.getMessage().contains("CLOUDFLARE_API_TOKEN")
            && incomplete.getMessage().contains("IMAGE_MAX_PIXELS"),
        incomplete.getMessage());

    env.remove("IMAGE_MAX_PIXELS");
    env.putAll(
        Map.of(
            "CDN_ADAPTER",
            "cloud-cdn",
            "CLOUD_CDN_URL_MAP",
            "media-cdn",
            "CDN_BASE_URL",
            "https://cdn.avalo.app/"));
    ConfigReader cloudCdn = new ConfigReader(env);
    CdnConfig config = CdnConfig.read(cloudCdn, AppConfig.read(cloudCdn, env));
    cloudCdn.throwIfInvalid();
    assertEquals(CdnConfig.PurgeAdapterKind.CLOUD_CDN, config.purgeAdapter());
    assertEquals("https://cdn.avalo.app", config.publicBaseUrl());
    assertEquals("avalo-uploads", config.uploadBucket());
    assertEquals(
        CdnConfig.UrlSignerKind.IAM, config.urlSigner(), "production signs through IAM by default");
    assertEquals("https://storage.googleapis.com", config.signedUrlHost());
    assertTrue(
        config.tasks().googleAuth(),
        "Cloud Tasks calls carry the default credentials in production");
    assertEquals(
        "https://europe-west10-avalo-prod.cloudfunctions.net", config.tasks().targetBaseUrl());
  }

  @Test
  void onCloudFunctionsTheUploadBucketMustBeDistinctFromThePublicMediaBucket() {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "GOOGLE_CLOUD_PROJECT",
                "avalo-prod",
                "K_SERVICE",
                "uploadImage",
                "MEDIA_BUCKET",
                "avalo-media",
                "UPLOAD_BUCKET",
                "avalo-media",
                "CDN_ADAPTER",
                "cloud-cdn",
                "CLOUD_CDN_URL_MAP",
                "media-cdn",
                "SIGNED_URL_SIGNER",
                "local",
                "SIGNED_URL_TTL_SECONDS",
                "999999"));
    ConfigReader reader = new ConfigReader(env);
    CdnConfig.read(reader, AppConfig.read(reader, env));
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, reader::throwIfInvalid);
    String message = refused.getMessage();
    assertTrue(
        message.contains("UPLOAD_BUCKET must be a private bucket distinct from MEDIA_BUCKET"),
        message);
    assertTrue(message.contains("SIGNED_URL_SIGNER=local is refused on Cloud Functions"), message);
    assertTrue(message.contains("SIGNED_URL_TTL_SECONDS"), "every problem in one list: " + message);

    // Locally the same mistake is refused too, and the default is a bucket of its own.
    Map<String, String> local =
        new HashMap<>(Map.of("GOOGLE_CLOUD_PROJECT", "demo-x", "UPLOAD_BUCKET", "demo-x-media"));
    ConfigReader same = new ConfigReader(local);
    CdnConfig.read(same, AppConfig.read(same, local));
    assertThrows(IllegalStateException.class, same::throwIfInvalid);
    local.remove("UPLOAD_BUCKET");
    ConfigReader defaults = new ConfigReader(local);
    CdnConfig config = CdnConfig.read(defaults, AppConfig.read(defaults, local));
    defaults.throwIfInvalid();
    assertEquals("demo-x-uploads", config.uploadBucket());
    assertEquals("demo-x-media", config.mediaBucket());
    assertEquals(CdnConfig.UrlSignerKind.LOCAL, config.urlSigner());
  }

  private static List<String> names(List<HlsLadder.Rendition> ladder) {
    return ladder.stream().map(r -> r.name() + ":" + r.width() + "x" + r.height()).toList();
  }

  private static TimeSeries series(String continent, String cacheResult, long value) {
    return TimeSeries.newBuilder()
        .setMetric(
            Metric.newBuilder()
                .putLabels("proxy_continent", continent)
                .putLabels("cache_result", cacheResult))
        .addPoints(Point.newBuilder().setValue(TypedValue.newBuilder().setInt64Value(value)))
        .build();
  }
}

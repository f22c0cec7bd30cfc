package app.avalo.infra.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.AppConfig;
import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.MonitoringClients;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MonitoringApiFake;
import app.avalo.infra.testing.TestBed;
import com.google.api.Distribution;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.gson.JsonObject;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.ProjectName;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code exportMetrics} end to end: samples tracked through the functions, sealed by the compactor,
 * exported by the job through the production adapter ({@link CloudMonitoringSink} and the real
 * {@code MetricServiceClient}) to a loopback gRPC stand-in of the Monitoring API that validates
 * every request the way the API documents ({@link MonitoringApiFake}).
 */
class MetricExportTest {
  private static final String START = "2026-11-27T10:00:00Z";
  private static final Instant T0 = Instant.parse(START);
  private static final String CHAT = "chat";

  @RegisterExtension
  final TestBed bed =
      MonitoringFixtures.bed(START).env("MONITORING_EXPORT_MAX_MINUTES", "60").build();

  private final MonitoringApiFake fake = MonitoringApiFake.start(bed.clock);
  private final MetricServiceClient client = MonitoringClients.create(fake.endpoint());
  private final String project = bed.platform.config().projectId();
  private final MonitoringModule monitoring =
      new MonitoringModule(
          bed.platform,
          app.avalo.infra.routing.RegionDefinition.ids(),
          new MonitoringModule.Adapters(c -> new CloudMonitoringSink(c.project(), () -> client)));

  @AfterEach
  void stop() throws Exception {
    client.close();
    fake.close();
  }

  @Test
  void histogramIsExportedAsADistributionInCloudMonitoringsExponentialLayout() throws Exception {
    List<Double> chat = new ArrayList<>();
    chat.addAll(Collections.nCopies(10, 0.4)); // below one unit: the underflow bucket
    chat.addAll(Collections.nCopies(50, 120.0));
    chat.addAll(Collections.nCopies(30, 480.0));
    chat.add(119_999.0); // the top of the accepted range
    track("trackChatDelivery", MonitoringFixtures.latencyBatch(chat, true));
    track(
        "trackWalletTransaction", MonitoringFixtures.latencyBatch(List.of(80.0, 90.0, 95.0), true));
    track("trackWalletTransaction", MonitoringFixtures.latencyBatch(List.of(300.0), false));
    track(
        "trackVideoCallQuality",
        "{\"samples\": [{\"packetLossPct\": 1.5}, {\"packetLossPct\": 0.25}]}");
    sealThrough(T0.plus(Duration.ofMinutes(1)));

    JsonObject run = export();

    assertEquals(60, run.get("minutesExported").getAsInt(), run.toString());
    assertTrue(run.get("caughtUp").getAsBoolean(), run.toString());
    assertNoFailure(run);
    assertEquals(5, fake.descriptors().size(), fake.descriptors().keySet().toString());
    assertEquals(
        com.google.api.MetricDescriptor.ValueType.DISTRIBUTION,
        fake.descriptors().get("custom.googleapis.com/avalo/latency").getValueType());
    Instant end = T0.plus(Duration.ofMinutes(1));

    Distribution d =
        onlyPointAt("custom.googleapis.com/avalo/latency", CHAT, end)
            .getValue()
            .getDistributionValue();
    Distribution.BucketOptions.Exponential layout = d.getBucketOptions().getExponentialBuckets();
    assertEquals(122, layout.getNumFiniteBuckets());
    assertEquals(1.1, layout.getGrowthFactor());
    assertEquals(1.0, layout.getScale());
    assertEquals(chat.size(), d.getCount());
    assertEquals(chat.size(), d.getBucketCountsList().stream().mapToLong(Long::longValue).sum());
    assertEquals(countsByApiBucket(chat, layout), nonZero(d));
    assertEquals(10, d.getBucketCounts(0), "0.4 ms is below scale: the underflow bucket");
    double mean = chat.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertEquals(mean, d.getMean(), 1e-6);
    double squares = chat.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    // From bucket midpoints: within the histogram's error of the samples' own value.
    assertEquals(squares, d.getSumOfSquaredDeviation(), squares * 0.1);

    Distribution loss =
        onlyPointAt("custom.googleapis.com/avalo/packet_loss", "video", end)
            .getValue()
            .getDistributionValue();
    assertEquals(0.01, loss.getBucketOptions().getExponentialBuckets().getScale());
    assertEquals(
        countsByApiBucket(List.of(1.5, 0.25), loss.getBucketOptions().getExponentialBuckets()),
        nonZero(loss));

    assertEquals(91, count("sample_count", CHAT, end));
    assertEquals(4, count("sample_count", "wallet", end));
    assertEquals(1, count("error_count", "wallet", end));
    assertEquals(
        0.25,
        onlyPointAt("custom.googleapis.com/avalo/error_rate", "wallet", end)
            .getValue()
            .getDoubleValue());
    assertEquals(0, count("sample_count", "ai", end), "a quiet service is 0, not a gap");
    assertFalse(
        fake.points("custom.googleapis.com/avalo/latency").containsKey(Map.of("service", "ai")),
        "no distribution for a minute without samples");

    TimeSeries written = fake.writes().get(0).getTimeSeries(0);
    assertEquals("global", written.getResource().getType());
    assertEquals(project, written.getResource().getLabelsOrThrow("project_id"));
    assertEquals(com.google.api.MetricDescriptor.MetricKind.GAUGE, written.getMetricKind());
  }

  @Test
  void eachSealedMinuteIsExportedExactlyOnceAcrossRuns() throws Exception {
    track("trackChatDelivery", MonitoringFixtures.latencyBatch(List.of(50.0, 60.0), true));
    sealThrough(T0.plus(Duration.ofMinutes(1)));

    JsonObject first = export();
    int calls = fake.calls("CreateTimeSeries");
    JsonObject again = exportAt(bed.clock.instant().plusSeconds(1));

    assertEquals(60, first.get("minutesExported").getAsInt(), first.toString());
    assertEquals(0, again.get("minutesExported").getAsInt(), again.toString());
    assertEquals(calls, fake.calls("CreateTimeSeries"), "the second run writes nothing");
    assertEquals(60, pointsOf("sample_count", CHAT).size());

    bed.clock.advance(Duration.ofMinutes(1));
    Instant minute = BucketKey.minuteOf(bed.clock.instant());
    track("trackChatDelivery", MonitoringFixtures.latencyBatch(List.of(70.0), true));
    sealThrough(minute.plus(Duration.ofMinutes(1)));
    JsonObject next = export();

    long added = Duration.between(T0.plus(Duration.ofMinutes(1)), minute).toMinutes() + 1;
    assertEquals(added, next.get("minutesExported").getAsInt(), next.toString());
    List<Point> chat = pointsOf("sample_count", CHAT);
    assertEquals(60 + added, chat.size());
    Point last = chat.get(chat.size() - 1);
    assertEquals(Timestamps.fromMillis(minute.plusSeconds(60).toEpochMilli()), end(last));
    assertEquals(1, last.getValue().getInt64Value());
    assertEquals(
        ExportedMetric.values().length,
        fake.calls("CreateMetricDescriptor"),
        "descriptors are created once, not per run");
  }

  @Test
  void aGapIsCaughtUpOldestFirstAFewMinutesPerRun() throws Exception {
    TestBed slow = bed.sibling(b -> b.env("MONITORING_EXPORT_MAX_MINUTES", "25"));
    MonitoringModule paced =
        new MonitoringModule(
            slow.platform,
            app.avalo.infra.routing.RegionDefinition.ids(),
            new MonitoringModule.Adapters(c -> new CloudMonitoringSink(c.project(), () -> client)));
    sealThrough(T0.plus(Duration.ofMinutes(1)));
    export(); // the first hour, all at once
    int before = pointsOf("sample_count", CHAT).size();

    bed.clock.advance(Duration.ofHours(1)); // an hour with no export run
    track("trackChatDelivery", MonitoringFixtures.latencyBatch(List.of(40.0), true));
    sealThrough(BucketKey.minuteOf(bed.clock.instant()).plus(Duration.ofMinutes(1)));

    List<JsonObject> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      bed.clock.advance(Duration.ofSeconds(20));
      runs.add(exportWith(paced, bed.clock.instant()));
    }

    Instant sealed = Instant.parse(runs.get(0).get("sealedThrough").getAsString());
    long gap = Duration.between(T0.plus(Duration.ofMinutes(1)), sealed).toMinutes();
    assertTrue(gap > 50 && gap <= 75, "the gap spans three runs: " + gap);
    assertEquals(25, runs.get(0).get("minutesExported").getAsInt(), runs.get(0).toString());
    assertFalse(runs.get(0).get("caughtUp").getAsBoolean());
    assertEquals(25, runs.get(1).get("minutesExported").getAsInt());
    assertEquals(gap - 50, runs.get(2).get("minutesExported").getAsInt(), runs.get(2).toString());
    assertTrue(runs.get(2).get("caughtUp").getAsBoolean());
    assertEquals(0, runs.get(3).get("minutesExported").getAsInt());
    List<Point> chat = pointsOf("sample_count", CHAT);
    assertEquals(before + gap, chat.size());
    for (int i = 1; i < chat.size(); i++) {
      assertEquals(
          60_000,
          Timestamps.toMillis(end(chat.get(i))) - Timestamps.toMillis(end(chat.get(i - 1))),
          "one point a minute, oldest first, none missing");
    }
    assertEquals(1, chat.get(chat.size() - 1).getValue().getInt64Value());
  }

  @Test
  void minutesOlderThanCloudMonitoringAcceptsAreSkippedAndCounted() throws Exception {
    sealThrough(T0.plus(Duration.ofMinutes(1)));
    export();
    Instant lastExported = T0.plus(Duration.ofMinutes(1));

    bed.clock.advance(Duration.ofHours(30)); // the export was down for 30 hours
    Instant now = bed.clock.instant();
    markSealedThrough(BucketKey.minuteOf(now.minus(Duration.ofMinutes(7))));
    JsonObject run = export();

    Instant oldest = BucketKey.minuteOf(now.minus(Duration.ofHours(25)).plusSeconds(600));
    assertEquals(
        Duration.between(lastExported, oldest).toMinutes(),
        run.get("minutesSkippedTooOld").getAsLong(),
        run.toString());
    assertNoFailure(run);
    assertEquals(60, run.get("minutesExported").getAsInt());
    List<Point> chat = pointsOf("sample_count", CHAT);
    Point firstAfterGap = chat.get(60);
    assertEquals(Timestamps.fromMillis(oldest.plusSeconds(60).toEpochMilli()), end(firstAfterGap));
    assertTrue(
        Timestamps.toMillis(end(firstAfterGap))
            >= now.minus(MonitoringApiFake.MAX_POINT_AGE).toEpochMilli());
  }

  @Test
  void anUnavailableCallIsRetriedByTheNextRunWithoutDuplicates() throws Exception {
    track("trackChatDelivery", MonitoringFixtures.latencyBatch(List.of(50.0), true));
    sealThrough(T0.plus(Duration.ofMinutes(1)));
    export();
    bed.clock.advance(Duration.ofMinutes(3));
    Instant minute = BucketKey.minuteOf(bed.clock.instant());
    track("trackChatDelivery", MonitoringFixtures.latencyBatch(List.of(55.0, 65.0), true));
    sealThrough(minute.plus(Duration.ofMinutes(1)));

    int callsBefore = fake.calls("CreateTimeSeries");
    fake.failNext("CreateTimeSeries", Status.Code.UNAVAILABLE, 20);
    JsonObject failed = export();
    int failedCalls = fake.calls("CreateTimeSeries") - callsBefore;
    fake.clearFailures();
    bed.clock.advance(Duration.ofMinutes(1));
    JsonObject retried = export();

    assertTrue(failed.get("failure").getAsString().startsWith("UNAVAILABLE"), failed.toString());
    assertEquals(0, failed.get("calls").getAsInt());
    assertEquals(T0.plus(Duration.ofMinutes(1)).toString(), failed.get("next").getAsString());
    // The client's own retry settings do not retry CreateTimeSeries: one call, one failure.
    assertEquals(1, failedCalls, "calls of the failed run");
    assertNoFailure(retried);
    assertTrue(retried.get("minutesExported").getAsInt() >= 3, retried.toString());
    List<Point> chat = pointsOf("sample_count", CHAT);
    for (int i = 1; i < chat.size(); i++) {
      assertEquals(
          60_000,
          Timestamps.toMillis(end(chat.get(i))) - Timestamps.toMillis(end(chat.get(i - 1))));
    }
    assertEquals(2, pointAt(chat, minute.plus(Duration.ofMinutes(1))).getValue().getInt64Value());
    assertTrue(openExportAlert().isEmpty(), "a short transient failure raises nothing");
  }

  @Test
  void permissionDeniedRaisesTheExportAlertAndTheNextSuccessResolvesIt() throws Exception {
    sealThrough(T0.plus(Duration.ofMinutes(1)));
    fake.failNext("CreateMetricDescriptor", Status.Code.PERMISSION_DENIED, 1);

    JsonObject denied = export();
    List<QueryDocumentSnapshot> open = openExportAlert();

    assertTrue(
        denied.get("failure").getAsString().startsWith("PERMISSION_DENIED"), denied.toString());
    assertEquals(0, fake.calls("CreateTimeSeries"), "nothing is written before the descriptors");
    assertEquals(1, open.size());
    assertEquals("warning", open.get(0).getString("severity"));
    assertTrue(open.get(0).getString("message").contains("roles/monitoring.metricWriter"));

    bed.clock.advance(Duration.ofMinutes(1));
    JsonObject ok = export();

    assertNoFailure(ok);
    assertEquals(60, ok.get("minutesExported").getAsInt());
    assertTrue(openExportAlert().isEmpty(), "resolved by the next success");
  }

  @Test
  void theFakeRefusesWhatTheApiRefuses() throws Exception {
    sealThrough(T0.plus(Duration.ofMinutes(1)));
    export();
    CloudMonitoringSink sink = new CloudMonitoringSink(project, () -> client);
    ExportPoint again =
        new ExportPoint(
            ExportedMetric.SAMPLE_COUNT,
            MonitoredService.CHAT,
            null,
            T0.plus(Duration.ofMinutes(1)),
            new ExportPoint.Count(3));
    ExportPoint tooOld =
        new ExportPoint(
            ExportedMetric.SAMPLE_COUNT,
            MonitoredService.AI,
            "EU",
            T0.minus(Duration.ofHours(26)),
            new ExportPoint.Count(1));

    MetricSink.Failure duplicate =
        assertThrows(MetricSink.Failure.class, () -> sink.write(List.of(again)));
    MetricSink.Failure old =
        assertThrows(MetricSink.Failure.class, () -> sink.write(List.of(tooOld)));
    List<ExportPoint> tooMany = new ArrayList<>();
    for (int i = 0; i <= MetricSink.MAX_POINTS_PER_CALL; i++) {
      tooMany.add(again);
    }

    assertEquals(MetricSink.FailureKind.REJECTED, duplicate.kind());
    assertTrue(duplicate.getMessage().contains("written in order"), duplicate.getMessage());
    assertTrue(old.getMessage().contains("older than 25h"), old.getMessage());
    assertThrows(IllegalArgumentException.class, () -> sink.write(tooMany));
  }

  @Test
  void listTimeSeriesReturnsWrittenAndSeededPointsNewestFirst() throws Exception {
    sealThrough(T0.plus(Duration.ofMinutes(1)));
    export();
    fake.seed(
        TimeSeries.newBuilder()
            .setMetric(
                com.google.api.Metric.newBuilder()
                    .setType("run.googleapis.com/container/instance_count")
                    .putLabels("state", "active"))
            .setResource(
                com.google.api.MonitoredResource.newBuilder()
                    .setType("cloud_run_revision")
                    .putLabels("service_name", "chat-api"))
            .addPoints(
                Point.newBuilder()
                    .setInterval(
                        TimeInterval.newBuilder()
                            .setEndTime(Timestamps.fromMillis(T0.toEpochMilli())))
                    .setValue(com.google.monitoring.v3.TypedValue.newBuilder().setInt64Value(7)))
            .build());
    TimeInterval lastTenMinutes =
        TimeInterval.newBuilder()
            .setStartTime(Timestamps.fromMillis(T0.minusSeconds(510).toEpochMilli()))
            .setEndTime(Timestamps.fromMillis(T0.plusSeconds(60).toEpochMilli()))
            .build();

    List<TimeSeries> chat = new ArrayList<>();
    client
        .listTimeSeries(
            ListTimeSeriesRequest.newBuilder()
                .setName(ProjectName.of(project).toString())
                .setFilter(
                    "metric.type = \"custom.googleapis.com/avalo/sample_count\" AND"
                        + " metric.labels.service = \"chat\"")
                .setInterval(lastTenMinutes)
                .build())
        .iterateAll()
        .forEach(chat::add);
    List<TimeSeries> run = new ArrayList<>();
    client
        .listTimeSeries(
            ListTimeSeriesRequest.newBuilder()
                .setName(ProjectName.of(project).toString())
                .setFilter("metric.type = \"run.googleapis.com/container/instance_count\"")
                .setInterval(lastTenMinutes)
                .build())
        .iterateAll()
        .forEach(run::add);

    assertEquals(1, chat.size());
    assertEquals(10, chat.get(0).getPointsCount());
    assertEquals(
        Timestamps.fromMillis(T0.plusSeconds(60).toEpochMilli()), end(chat.get(0).getPoints(0)));
    assertEquals(7, run.get(0).getPoints(0).getValue().getInt64Value());
  }

  @Test
  void theProductionSinkIsOffLocallyAndNeverAimsAtGoogleForADemoProject() {
    assertEquals(
        ExportConfig.Mode.OFF, exportConfig(Map.of("GOOGLE_CLOUD_PROJECT", "avalo-prod")).mode());
    assertEquals(
        ExportConfig.Mode.OFF,
        exportConfig(Map.of("GOOGLE_CLOUD_PROJECT", "demo-avalo", "K_SERVICE", "exportMetrics"))
            .mode());
    assertEquals(
        ExportConfig.Mode.CLOUD_MONITORING,
        exportConfig(Map.of("GOOGLE_CLOUD_PROJECT", "avalo-prod", "K_SERVICE", "exportMetrics"))
            .mode());
    IllegalStateException demo =
        assertThrows(
            IllegalStateException.class,
            () ->
                exportConfig(
                    Map.of(
                        "GOOGLE_CLOUD_PROJECT",
                        "demo-avalo",
                        "MONITORING_EXPORT_SINK",
                        "cloud-monitoring")));
    assertTrue(demo.getMessage().contains("would write to Google"), demo.getMessage());
    IllegalStateException remote =
        assertThrows(
            IllegalStateException.class,
            () ->
                exportConfig(
                    Map.of(
                        "GOOGLE_CLOUD_PROJECT", "avalo-prod",
                        "MONITORING_EXPORT_ENDPOINT", "monitoring.googleapis.com:443")));
    assertTrue(remote.getMessage().contains("loopback"), remote.getMessage());
  }

  @Test
  void theCatalogJobExportsThroughTheConfiguredEndpointAndIsOffByDefault() throws Exception {
    TestBed configured =
        bed.sibling(
            b ->
                b.env("MONITORING_EXPORT_SINK", "cloud-monitoring")
                    .env("MONITORING_EXPORT_ENDPOINT", fake.endpoint()));
    sealThrough(T0.plus(Duration.ofMinutes(1)));

    JsonObject off = bed.runJobOk((ExportMetrics) bed.function("exportMetrics"));
    configured.clock.advance(Duration.ofSeconds(30)); // another scheduled time
    JsonObject on =
        configured.runJobOk(new ExportMetrics(configured.platform, configured.root.monitoring()));

    assertEquals("off", off.getAsJsonObject("summary").get("sink").getAsString(), off.toString());
    assertEquals("cloud-monitoring", on.getAsJsonObject("summary").get("sink").getAsString());
    assertEquals(
        60, on.getAsJsonObject("summary").get("minutesExported").getAsInt(), on.toString());
    assertEquals(60, pointsOf("sample_count", CHAT).size());
  }

  // ---- helpers ----

  /** A summary's {@code failure} is left out when there was none. */
  private static void assertNoFailure(JsonObject run) {
    assertTrue(!run.has("failure") || run.get("failure").isJsonNull(), run.toString());
  }

  private void track(String function, String body) throws Exception {
    FakeExchange.Response r = bed.callPrivate(bed.function(function), body);
    assertEquals(200, r.status(), r.body());
  }

  /** Runs the compactor until minutes before {@code through} are sealed (clock moved as needed). */
  private void sealThrough(Instant through) {
    Instant needed = through;
    MetricCompactor compactor = monitoring.compactor();
    if (compactor.sealHorizon().isBefore(needed)) {
      bed.clock.set(needed.plus(monitoring.config().maxSampleAge()).plus(MetricCompactor.GRACE));
    }
    MetricCompactor.Result r;
    do {
      r = compactor.run();
    } while (r.sealedThrough().isBefore(needed) && r.minutesSealed() > 0);
    assertFalse(r.sealedThrough().isBefore(needed), "sealed through " + r.sealedThrough());
  }

  /** As if the compactor had sealed (quiet) minutes up to {@code through}. */
  private void markSealedThrough(Instant through) {
    MetricStore store = new MetricStore(bed.db, monitoring.config());
    var batch = store.batch();
    store.writePipeline(batch, new MetricStore.Pipeline(through, BucketKey.hourOf(through)));
    store.commit(batch);
  }

  private JsonObject export() throws Exception {
    return exportAt(bed.clock.instant());
  }

  private JsonObject exportAt(Instant scheduledFor) throws Exception {
    return exportWith(monitoring, scheduledFor);
  }

  private JsonObject exportWith(MonitoringModule module, Instant scheduledFor) throws Exception {
    FakeExchange.Response r = bed.runJob(new ExportMetrics(bed.platform, module), scheduledFor);
    assertEquals(200, r.status(), r.body());
    return r.json().getAsJsonObject("summary");
  }

  private List<Point> pointsOf(String metric, String service) {
    return fake.points("custom.googleapis.com/avalo/" + metric)
        .getOrDefault(Map.of("service", service), List.of());
  }

  private Point onlyPointAt(String metricType, String service, Instant end) {
    return pointAt(fake.points(metricType).get(Map.of("service", service)), end);
  }

  private static Point pointAt(List<Point> points, Instant end) {
    assertNotNull(points);
    List<Point> at =
        points.stream().filter(p -> Timestamps.toMillis(end(p)) == end.toEpochMilli()).toList();
    assertEquals(1, at.size(), "points at " + end);
    return at.get(0);
  }

  private long count(String metric, String service, Instant end) {
    return pointAt(pointsOf(metric, service), end).getValue().getInt64Value();
  }

  private static com.google.protobuf.Timestamp end(Point p) {
    return p.getInterval().getEndTime();
  }

  /**
   * The bucket of each value by the API's own definition of exponential buckets (underflow below
   * scale, bucket i in [scale*g^(i-1), scale*g^i), overflow from scale*g^N), independent of {@link
   * LogHistogram}.
   */
  private static Map<Integer, Long> countsByApiBucket(
      List<Double> values, Distribution.BucketOptions.Exponential e) {
    Map<Integer, Long> counts = new HashMap<>();
    for (double v : values) {
      int bucket;
      if (v < e.getScale()) {
        bucket = 0;
      } else {
        bucket = 1;
        while (bucket <= e.getNumFiniteBuckets()
            && v >= e.getScale() * Math.pow(e.getGrowthFactor(), bucket)) {
          bucket++;
        }
      }
      counts.merge(bucket, 1L, Long::sum);
    }
    return counts;
  }

  private static Map<Integer, Long> nonZero(Distribution d) {
    Map<Integer, Long> counts = new HashMap<>();
    for (int i = 0; i < d.getBucketCountsCount(); i++) {
      if (d.getBucketCounts(i) != 0) {
        counts.put(i, d.getBucketCounts(i));
      }
    }
    return counts;
  }

  private List<QueryDocumentSnapshot> openExportAlert() throws Exception {
    return bed
        .db
        .collection(Alerts.COLLECTION)
        .whereEqualTo("source", "monitoring")
        .get()
        .get()
        .getDocuments()
        .stream()
        .filter(d -> MetricExporter.ALERT_KEY.equals(d.getString("key")))
        .filter(d -> "open".equals(d.getString("status")))
        .toList();
  }

  private static ExportConfig exportConfig(Map<String, String> env) {
    ConfigReader reader = new ConfigReader(env);
    ExportConfig config = ExportConfig.read(reader, AppConfig.read(reader, env));
    reader.throwIfInvalid();
    return config;
  }
}

package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.platform.MonitoringClients;
import app.avalo.infra.testing.MonitoringApiFake;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.api.Distribution;
import com.google.api.Metric;
import com.google.api.MetricDescriptor.MetricKind;
import com.google.api.MetricDescriptor.ValueType;
import com.google.api.MonitoredResource;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.monitoring.v3.Point;
import com.google.monitoring.v3.TimeInterval;
import com.google.monitoring.v3.TimeSeries;
import com.google.monitoring.v3.TypedValue;
import com.google.protobuf.util.Timestamps;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The region-aware controller over time, on the production path: Cloud Run's built-in metrics are
 * seeded into the loopback Monitoring API ({@link MonitoringApiFake}) and read by {@link
 * CloudMonitoringMetrics}, region statuses come from routing's region documents ({@code
 * initializeRegions}, {@code forceFailover}, a health status written as the checks would), and each
 * scheduled evaluation's event must show the service's decision and each region's.
 *
 * <p>Steps: {@code minute} seeds the minute ending at the step's time, per region {@code [cpu,
 * instances, rps]}; {@code drain} drains a routing region; {@code unhealthy} marks one unhealthy;
 * {@code evaluate} runs {@code evaluateAllServices} and expects {@code [action, reason, desired]}
 * for the service and, under {@code regions}, {@code [action, reason, desired, min?, max?]} per
 * region.
 */
class RegionalScalingScenariosTest {
  static final String PROJECT = "demo-avalo";
  static final String CLOUD_RUN = "avalo-functions";
  static final String MAP =
      "functions=europe-west10/avalo-functions|us-west1/avalo-functions"
          + "|asia-northeast1/avalo-functions;realtime=avalo-realtime;ai=avalo-ai;"
          + "media=avalo-media;wallet=avalo-wallet;support=avalo-support";

  static Stream<String> scenarios() {
    return Stream.of("failover", "regional-spike", "regional-missing-metrics");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(String name) throws Exception {
    JsonObject fixture = ScalingScenariosTest.load(name);
    String service = fixture.get("service").getAsString();
    Instant start = Instant.parse(fixture.get("start").getAsString());
    MutableClock clock = new MutableClock(start);
    try (MonitoringApiFake fake = MonitoringApiFake.start(clock);
        MetricServiceClient client = MonitoringClients.create(fake.endpoint());
        TestBed bed =
            TestBed.builder()
                .clock(clock)
                .env("SCALING_SERVICE_MAP", MAP)
                .env("SCALING_CLOUD_RUN_PROJECT", PROJECT)
                .env("SCALING_METRICS_SOURCE", "cloud-monitoring")
                .scaling(
                    new ScalingModule.Adapters(
                        c -> new DryRunActuator(),
                        c ->
                            new CloudMonitoringMetrics(
                                c.cloudRunProject(), c.serviceMap(), () -> client)))
                .build()) {
      assertEquals(
          200, bed.callAsAdmin(bed.function("initializeRegions"), "{}").status(), "regions");
      run(name, fixture, service, start, bed, fake);
      assertTrue(fake.calls("ListTimeSeries") > 0, name + ": Monitoring was never read");
    }
  }

  private static void run(
      String name,
      JsonObject fixture,
      String service,
      Instant start,
      TestBed bed,
      MonitoringApiFake fake)
      throws Exception {
    for (JsonElement e : fixture.getAsJsonArray("steps")) {
      JsonObject step = e.getAsJsonObject();
      Instant t = start.plus(ScalingScenariosTest.offset(step.get("t").getAsString()));
      bed.clock.set(t);
      String where = name + " at " + step.get("t").getAsString();
      if (step.has("minute")) {
        for (Map.Entry<String, JsonElement> r : step.getAsJsonObject("minute").entrySet()) {
          JsonArray v = r.getValue().getAsJsonArray();
          seedMinute(
              fake,
              r.getKey(),
              t,
              v.get(0).getAsDouble(),
              v.get(1).getAsLong(),
              v.get(2).getAsDouble());
        }
      } else if (step.has("drain")) {
        JsonObject data = new JsonObject();
        data.addProperty("fromRegion", step.get("drain").getAsString());
        data.addProperty("reason", "scenario " + name);
        assertEquals(
            200, bed.callAsAdmin(bed.function("forceFailover"), Json.write(data)).status(), where);
      } else if (step.has("unhealthy")) {
        Firestores.await(
            bed.db
                .collection("regions")
                .document(step.get("unhealthy").getAsString())
                .update(Map.of("status", "unhealthy", "consecutiveFailures", 3L)));
      } else if (step.has("evaluate")) {
        ScalingFixtures.evaluate(bed);
        DocumentSnapshot event = ScalingFixtures.event(bed, service, t);
        assertTrue(event.exists(), where + ": no decision recorded");
        String got =
            event.getString("action")
                + "/"
                + event.getString("reason")
                + "/"
                + event.getLong("desiredInstances")
                + " ("
                + event.getString("message")
                + ")";
        JsonArray expected = step.getAsJsonArray("evaluate");
        assertEquals(expected.get(0).getAsString(), event.getString("action"), where + ": " + got);
        assertEquals(expected.get(1).getAsString(), event.getString("reason"), where + ": " + got);
        assertEquals(
            expected.get(2).getAsLong(), event.getLong("desiredInstances"), where + ": " + got);
        assertEquals("cloud-monitoring", event.getString("metricsSource"), where);
        expectRegions(where, step.getAsJsonObject("regions"), event);
      } else {
        throw new IllegalArgumentException(where + ": unknown step " + step);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void expectRegions(String where, JsonObject expected, DocumentSnapshot event) {
    Map<String, Map<String, Object>> byRegion = new HashMap<>();
    for (Map<String, Object> r : (List<Map<String, Object>>) event.get("regions")) {
      byRegion.put((String) r.get("region"), r);
    }
    assertEquals(expected.keySet(), byRegion.keySet(), where + ": regions decided");
    for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
      JsonArray x = e.getValue().getAsJsonArray();
      Map<String, Object> r = byRegion.get(e.getKey());
      String got =
          where
              + " "
              + e.getKey()
              + ": "
              + r.get("action")
              + "/"
              + r.get("reason")
              + "/"
              + r.get("desiredInstances")
              + " ["
              + r.get("minInstances")
              + ", "
              + r.get("maxInstances")
              + "] ("
              + r.get("message")
              + ")";
      assertEquals(x.get(0).getAsString(), r.get("action"), got);
      assertEquals(x.get(1).getAsString(), r.get("reason"), got);
      assertEquals(x.get(2).getAsLong(), r.get("desiredInstances"), got);
      if (x.size() > 3) {
        assertEquals(x.get(3).getAsLong(), r.get("minInstances"), got);
        assertEquals(x.get(4).getAsLong(), r.get("maxInstances"), got);
      }
    }
  }

  /**
   * One minute of a Cloud Run region as Cloud Run writes it: the instance count (GAUGE INT64, per
   * state), CPU and memory utilisation (DELTA DISTRIBUTION over the instances' samples) and the
   * request count (DELTA INT64, per response code), each point ending at {@code end}.
   */
  static void seedMinute(
      MonitoringApiFake fake, String region, Instant end, double cpu, long instances, double rps) {
    MonitoredResource resource =
        MonitoredResource.newBuilder()
            .setType("cloud_run_revision")
            .putLabels("project_id", PROJECT)
            .putLabels("service_name", CLOUD_RUN)
            .putLabels("revision_name", CLOUD_RUN + "-00007-xyz")
            .putLabels("configuration_name", CLOUD_RUN)
            .putLabels("location", region)
            .build();
    TimeInterval delta =
        TimeInterval.newBuilder()
            .setStartTime(Timestamps.fromMillis(end.minusSeconds(60).toEpochMilli()))
            .setEndTime(Timestamps.fromMillis(end.toEpochMilli()))
            .build();
    TimeInterval gauge =
        TimeInterval.newBuilder().setEndTime(Timestamps.fromMillis(end.toEpochMilli())).build();
    // two series of instances (active and idle) and of requests (two codes): the reducer sums them
    long idle = instances / 4;
    fake.seed(
        series(
            CloudMonitoringMetrics.INSTANCES,
            resource,
            MetricKind.GAUGE,
            ValueType.INT64,
            Map.of("state", "active"),
            point(gauge, instances - idle)));
    fake.seed(
        series(
            CloudMonitoringMetrics.INSTANCES,
            resource,
            MetricKind.GAUGE,
            ValueType.INT64,
            Map.of("state", "idle"),
            point(gauge, idle)));
    long requests = Math.round(rps * 60);
    long errors = requests / 50;
    fake.seed(
        series(
            CloudMonitoringMetrics.REQUESTS,
            resource,
            MetricKind.DELTA,
            ValueType.INT64,
            Map.of("response_code", "200", "response_code_class", "2xx"),
            point(delta, requests - errors)));
    fake.seed(
        series(
            CloudMonitoringMetrics.REQUESTS,
            resource,
            MetricKind.DELTA,
            ValueType.INT64,
            Map.of("response_code", "503", "response_code_class", "5xx"),
            point(delta, errors)));
    fake.seed(
        series(
            CloudMonitoringMetrics.CPU,
            resource,
            MetricKind.DELTA,
            ValueType.DISTRIBUTION,
            Map.of(),
            distribution(delta, instances * 60, cpu)));
    fake.seed(
        series(
            CloudMonitoringMetrics.MEMORY,
            resource,
            MetricKind.DELTA,
            ValueType.DISTRIBUTION,
            Map.of(),
            distribution(delta, instances * 60, 0.5)));
  }

  private static TimeSeries series(
      String type,
      MonitoredResource resource,
      MetricKind kind,
      ValueType valueType,
      Map<String, String> labels,
      Point point) {
    return TimeSeries.newBuilder()
        .setMetric(Metric.newBuilder().setType(type).putAllLabels(labels))
        .setResource(resource)
        .setMetricKind(kind)
        .setValueType(valueType)
        .addPoints(point)
        .build();
  }

  private static Point point(TimeInterval interval, long value) {
    return Point.newBuilder()
        .setInterval(interval)
        .setValue(TypedValue.newBuilder().setInt64Value(value))
        .build();
  }

  private static Point distribution(TimeInterval interval, long count, double mean) {
    return Point.newBuilder()
        .setInterval(interval)
        .setValue(
            TypedValue.newBuilder()
                .setDistributionValue(
                    Distribution.newBuilder()
                        .setCount(Math.max(1, count))
                        .setMean(mean)
                        .addBucketCounts(Math.max(1, count))))
        .build();
  }
}

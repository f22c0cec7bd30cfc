package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.MonitoringClients;
import app.avalo.infra.testing.MonitoringApiFake;
import app.avalo.infra.testing.MutableClock;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CloudMonitoringMetrics} through the production client against the loopback Monitoring API,
 * which aligns and reduces as the API documents and refuses what it cannot evaluate (so the request
 * shape is checked too).
 */
class CloudMonitoringMetricsTest {
  static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

  final MutableClock clock = new MutableClock(T.plusSeconds(600));
  final MonitoringApiFake fake = MonitoringApiFake.start(clock);
  final MetricServiceClient client = MonitoringClients.create(fake.endpoint());
  final List<String> problems = new ArrayList<>();
  final ServiceMap map =
      ServiceMap.parse(
          RegionalScalingScenariosTest.MAP.replace("|asia-northeast1/avalo-functions", ""),
          "europe-west10",
          problems::add);
  final CloudMonitoringMetrics source =
      new CloudMonitoringMetrics(RegionalScalingScenariosTest.PROJECT, map, () -> client);

  @AfterEach
  void stop() {
    client.close();
    fake.close();
  }

  @Test
  void eachMappedRegionGetsItsMinutesWithInstancesSummedCpuMeanAndRequestsPerSecond() {
    assertEquals(List.of(), problems);
    for (int m = 1; m <= 3; m++) {
      Instant end = T.plusSeconds(60L * m);
      RegionalScalingScenariosTest.seedMinute(fake, "europe-west10", end, 0.5 + m / 10.0, 8, 30);
      RegionalScalingScenariosTest.seedMinute(fake, "us-west1", end, 0.25, 4, 12.5);
      // not mapped for this service: ignored
      RegionalScalingScenariosTest.seedMinute(fake, "asia-northeast1", end, 0.9, 40, 900);
    }
    Map<String, List<MinuteBucket>> got =
        source.minutes(LogicalService.FUNCTIONS, T, T.plusSeconds(600));
    assertEquals(List.of("europe-west10", "us-west1"), List.copyOf(got.keySet()));
    List<MinuteBucket> eu = got.get("europe-west10");
    assertEquals(3, eu.size());
    assertEquals(T, eu.get(0).minute());
    assertEquals(T.plusSeconds(180), eu.get(2).lastAt());
    assertEquals(8, eu.get(2).lastInstances()); // active 6 + idle 2
    assertEquals(0.8, eu.get(2).cpu(), 1e-9);
    assertEquals(0.5, eu.get(2).memory(), 1e-9);
    assertEquals(30, eu.get(2).rps(), 1e-9); // 1800 requests (200s and 503s) over 60 s
    MinuteBucket us = got.get("us-west1").get(0);
    assertEquals(4, us.lastInstances());
    assertEquals(12.5, us.rps(), 1e-9);
    // 4 metrics × one Cloud Run service name
    assertEquals(4, fake.calls("ListTimeSeries"));
  }

  @Test
  void aMinuteWithoutRequestsReadsAsZeroAndAServiceWithoutDataAsNoRegion() {
    RegionalScalingScenariosTest.seedMinute(fake, "us-west1", T.plusSeconds(60), 0.2, 2, 0);
    Map<String, List<MinuteBucket>> got =
        source.minutes(LogicalService.FUNCTIONS, T, T.plusSeconds(600));
    assertEquals(0, got.get("us-west1").get(0).rps(), 1e-9);
    assertTrue(source.minutes(LogicalService.AI, T, T.plusSeconds(600)).isEmpty());
  }

  @Test
  void aFailingApiIsAnErrorNotAnEmptyWindow() {
    fake.failNext("ListTimeSeries", Status.Code.PERMISSION_DENIED, 1);
    assertThrows(
        ApiException.class, () -> source.minutes(LogicalService.FUNCTIONS, T, T.plusSeconds(600)));
  }
}

package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpdateMetricsTest {
  @RegisterExtension
  final TestBed bed =
      TestBed.builder().clock(new MutableClock(Instant.parse("2026-03-02T10:00:05Z"))).build();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"service":"functions","cpu":1.7,"memory":0.5,"rps":10,"instances":3}|cpu
          {"service":"functions","cpu":-0.1,"memory":0.5,"rps":10,"instances":3}|cpu
          {"service":"functions","cpu":0.5,"memory":1.01,"rps":10,"instances":3}|memory
          {"service":"functions","cpu":0.5,"memory":0.5,"rps":-1,"instances":3}|rps
          {"service":"functions","cpu":0.5,"memory":0.5,"rps":10,"instances":-2}|instances
          {"service":"functions","cpu":0.5,"memory":0.5,"rps":10,"instances":2.5}|instances
          {"service":"chat","cpu":0.5,"memory":0.5,"rps":10,"instances":3}|service
          {"cpu":0.5,"memory":0.5,"rps":10,"instances":3}|service
          {"service":"functions","cpu":"high","memory":0.5,"rps":10,"instances":3}|cpu
          {"service":"functions","cpu":0.5,"memory":0.5,"rps":10,"instances":3,"at":"2026-03-02T10:05:00Z"}|at
          {"service":"functions","cpu":0.5,"memory":0.5,"rps":10,"instances":3,"at":"2026-03-02T08:00:00Z"}|at
          {"service":"functions","cpu":0.5,"memory":0.5,"rps":10,"instances":3,"extra":1}|extra
          """)
  void badSamplesAreRefusedNamingTheFieldAndWriteNothing(String body, String field)
      throws Exception {
    long writes = Emulators.firestoreWriteCount();
    FakeExchange.Response r =
        bed.callPrivate(new UpdateMetrics(bed.platform, bed.root.scaling()), body);
    assertEquals(400, r.status(), r.body());
    assertEquals("INVALID_ARGUMENT", r.errorStatus());
    assertEquals(
        field,
        r.json().getAsJsonObject("error").getAsJsonObject("details").get("field").getAsString(),
        r.body());
    assertEquals(writes, Emulators.firestoreWriteCount(), "a refused sample wrote to Firestore");
  }

  @Test
  void samplesOfOneMinuteShareOneBucketAndAverage() throws Exception {
    long writes = Emulators.firestoreWriteCount();
    double[] cpu = {0.2, 0.4, 0.6, 0.8};
    for (int i = 0; i < cpu.length; i++) {
      bed.clock.set(Instant.parse("2026-03-02T10:00:05Z").plusSeconds(10L * i));
      ScalingFixtures.report(bed, "realtime", cpu[i], 4 + i, 100 + 10 * i);
    }
    // 4 samples, each one batch of two document writes: the minute bucket and the hour bucket
    assertEquals(writes + 8, Emulators.firestoreWriteCount());
    List<MinuteBucket> buckets =
        bed.root
            .scaling()
            .metrics()
            .minutes(
                LogicalService.REALTIME,
                Instant.parse("2026-03-02T09:58:00Z"),
                Instant.parse("2026-03-02T10:01:00Z"));
    assertEquals(1, buckets.size());
    MinuteBucket b = buckets.get(0);
    assertEquals(4, b.samples());
    assertEquals(0.5, b.cpu(), 1e-9);
    assertEquals(115, b.rps(), 1e-9);
    assertEquals(7, b.lastInstances());
    assertEquals(Instant.parse("2026-03-02T10:00:35Z"), b.lastAt());
    DocumentSnapshot doc =
        Firestores.await(
            bed.db
                .collection(ServiceMetricsStore.MINUTES)
                .document("realtime@2026-03-02T10:00Z")
                .get());
    assertTrue(doc.exists());
    assertEquals(
        Instant.parse("2026-03-04T10:00:00Z"), Firestores.instant(doc.getTimestamp("expireAt")));
    List<HourBucket> hours =
        bed.root
            .scaling()
            .metrics()
            .hours(
                LogicalService.REALTIME,
                List.of(
                    Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-03-02T09:00:00Z")));
    assertEquals(4, hours.get(0).samples());
    assertEquals(115, hours.get(0).rps(), 1e-9);
    assertEquals(null, hours.get(1));
  }

  @Test
  void acceptsAnExplicitTimeAndTheAndroidInt64Wrapper() throws Exception {
    bed.clock.set(Instant.parse("2026-03-02T10:30:00Z"));
    FakeExchange.Response r =
        bed.callPrivate(
            new UpdateMetrics(bed.platform, bed.root.scaling()),
            """
            {"service":"ai","cpu":0.5,"memory":0.25,"rps":3,
             "instances":{"@type":"type.googleapis.com/google.protobuf.Int64Value","value":"6"},
             "at":"2026-03-02T10:01:30Z"}\
            """);
    assertEquals(200, r.status(), r.body());
    assertEquals("2026-03-02T10:01:00Z", r.json().get("minute").getAsString());
    List<MinuteBucket> buckets =
        bed.root
            .scaling()
            .metrics()
            .minutes(
                LogicalService.AI,
                Instant.parse("2026-03-02T10:01:00Z"),
                Instant.parse("2026-03-02T10:01:00Z").plus(Duration.ZERO));
    assertEquals(6, buckets.get(0).lastInstances());
  }
}

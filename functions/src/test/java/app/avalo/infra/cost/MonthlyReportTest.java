package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.callPrivate;
import static app.avalo.infra.cost.CostFixtures.cost;
import static app.avalo.infra.cost.CostFixtures.via;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.storage.BlobId;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MonthlyReportTest {
  private static final String BUCKET = CostFixtures.REPORTS_BUCKET;
  @RegisterExtension final TestBed bed = CostFixtures.bed("2025-11-15T12:00:00Z").build();

  private void spendIn(String iso, long aiMinor, long videoMinor, Map<String, Long> users) {
    spendIn(bed, iso, aiMinor, videoMinor, users);
  }

  private static void spendIn(
      TestBed bed, String iso, long aiMinor, long videoMinor, Map<String, Long> users) {
    bed.clock.set(Instant.parse(iso));
    CostLedger ledger = cost(bed).ledger();
    ledger.recordCost(CostService.AI, aiMinor, null, null);
    ledger.recordCost(CostService.VIDEO, videoMinor, null, null);
    users.forEach((user, minor) -> ledger.recordCost(CostService.PUSH, minor, user, null));
  }

  private byte[] object(String name) {
    return object(bed, name);
  }

  private static byte[] object(TestBed bed, String name) {
    return bed.storage.readAllBytes(BlobId.of(BUCKET, name));
  }

  private boolean exists(String name) {
    return bed.storage.get(BlobId.of(BUCKET, name)) != null;
  }

  @Test
  void reportsLastMonthToFirestoreJsonAndCsvWhoseSumsMatch() throws Exception {
    spendIn("2025-11-15T12:00:00Z", 100_000_00L, 10_000_00L, Map.of());
    spendIn("2025-12-15T12:00:00Z", 200_000_00L, 12_000_00L, Map.of("alice", 5_00L));
    spendIn(
        "2026-01-15T12:00:00Z",
        250_000_00L,
        9_000_00L,
        Map.of("alice", 1_000_00L, "bob", 300_00L, "carol", 4_000_00L));
    bed.clock.set(Instant.parse("2026-02-01T00:05:30Z"));

    JsonObject run = callPrivate(bed, GenerateMonthlyReport::new, "{}", 200);
    assertEquals("succeeded", run.get("outcome").getAsString(), run.toString());
    // Delivered by Cloud Scheduler for 00:05: without the header the job uses the receive time.
    String csv = new String(object("cost-reports/2026-01.csv"), StandardCharsets.UTF_8);
    List<CSVRecord> rows =
        CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(new StringReader(csv))
            .getRecords();
    long servicesSum = 0;
    Map<String, CSVRecord> services = new LinkedHashMap<>();
    CSVRecord total = null;
    List<CSVRecord> users = new ArrayList<>();
    for (CSVRecord r : rows) {
      switch (r.get("type")) {
        case "service" -> {
          services.put(r.get("id"), r);
          servicesSum += Long.parseLong(r.get("spentMinor"));
        }
        case "total" -> total = r;
        case "user" -> users.add(r);
        default -> throw new AssertionError("unknown row type " + r.get("type"));
      }
    }
    assertEquals(CostService.values().length, services.size());
    long expected = 250_000_00L + 9_000_00L + 1_000_00L + 300_00L + 4_000_00L;
    assertEquals(expected, servicesSum);
    assertEquals(
        expected, Long.parseLong(total.get("spentMinor")), "total row = sum of service rows");
    CSVRecord ai = services.get("ai");
    assertEquals(250_000_00L, Long.parseLong(ai.get("spentMinor")));
    assertEquals(50_000_00L, Long.parseLong(ai.get("budgetMinor")));
    assertEquals("500.00", ai.get("budgetUsedPercent"));
    assertEquals(200_000_00L, Long.parseLong(ai.get("previousMonthMinor")));
    assertEquals("25.00", ai.get("changePercent"));
    // least squares through 100k, 200k, 250k PLN, one month on: (-2·100 + 200 + 4·250) / 3 = 333
    // 333.33 PLN
    assertEquals(333_333_33L, Long.parseLong(ai.get("forecastNextMonthMinor")));
    CSVRecord video = services.get("video");
    assertEquals("-25.00", video.get("changePercent"));
    assertEquals("", services.get("cdn").get("budgetMinor"), "CDN has no budget");
    assertEquals(
        List.of("carol", "alice", "bob"),
        users.stream().map(r -> r.get("id")).toList(),
        "by cost, descending");
    assertEquals(4_000_00L, Long.parseLong(users.get(0).get("spentMinor")));

    JsonObject json =
        JsonParser.parseString(
                new String(object("cost-reports/2026-01.json"), StandardCharsets.UTF_8))
            .getAsJsonObject();
    assertEquals("2026-01", json.get("period").getAsString());
    assertEquals(expected, json.getAsJsonObject("totals").get("spentMinor").getAsLong());
    Map<String, Object> doc =
        Firestores.await(bed.db.collection(ReportStore.REPORTS).document("2026-01").get())
            .getData();
    assertEquals(expected, ((Map<?, ?>) doc.get("totals")).get("spentMinor"));
    assertEquals(
        Map.of(
            "bucket",
            BUCKET,
            "json",
            "cost-reports/2026-01.json",
            "csv",
            "cost-reports/2026-01.csv"),
        doc.get("objects"));
  }

  @Test
  void rerunningTheReportWritesTheSameResult() throws Exception {
    spendIn("2026-01-10T12:00:00Z", 1_234_56L, 78_90L, Map.of("dave", 12_34L));
    bed.clock.set(Instant.parse("2026-02-01T00:05:00Z"));
    JsonObject first =
        callPrivate(bed, GenerateMonthlyReport::new, "{\"scheduledFor\":\"2026-02-01T00:05:00Z\"}");
    assertEquals("succeeded", first.get("outcome").getAsString());
    byte[] csv = object("cost-reports/2026-01.csv");
    byte[] json = object("cost-reports/2026-01.json");
    Map<String, Object> doc =
        Firestores.await(bed.db.collection(ReportStore.REPORTS).document("2026-01").get())
            .getData();

    JsonObject duplicate =
        callPrivate(bed, GenerateMonthlyReport::new, "{\"scheduledFor\":\"2026-02-01T00:05:00Z\"}");
    assertEquals("duplicate", duplicate.get("outcome").getAsString(), "a re-delivery does nothing");

    bed.clock.set(Instant.parse("2026-02-14T09:00:00Z"));
    JsonObject manual =
        callPrivate(bed, GenerateMonthlyReport::new, "{\"scheduledFor\":\"2026-02-14T09:00:00Z\"}");
    assertEquals("succeeded", manual.get("outcome").getAsString());
    assertEquals("2026-01", manual.getAsJsonObject("summary").get("period").getAsString());
    assertArrayEquals(csv, object("cost-reports/2026-01.csv"));
    assertArrayEquals(json, object("cost-reports/2026-01.json"));
    assertEquals(
        doc,
        Firestores.await(bed.db.collection(ReportStore.REPORTS).document("2026-01").get())
            .getData());
    assertTrue(new String(csv, StandardCharsets.UTF_8).contains("dave"));
  }

  /**
   * Firestore goes away in the middle of the report (a loopback proxy in front of the emulator is
   * cut part-way): the run fails, no report document for the month exists, and once Firestore is
   * back the retry for the same scheduled time writes the whole report.
   */
  @Test
  void firestoreLostMidReportLeavesNoReportAndTheRetryCompletes() throws Exception {
    spendIn("2025-12-15T12:00:00Z", 200_000_00L, 12_000_00L, Map.of("alice", 5_00L));
    spendIn(
        "2026-01-15T12:00:00Z", 250_000_00L, 9_000_00L, Map.of("alice", 1_000_00L, "bob", 300_00L));
    bed.clock.set(Instant.parse("2026-02-01T00:05:00Z"));
    String body = "{\"scheduledFor\":\"2026-02-01T00:05:00Z\"}";
    try (app.avalo.infra.testing.TcpProxy proxy =
        new app.avalo.infra.testing.TcpProxy(app.avalo.infra.testing.Emulators.firestoreHost())) {
      // How much Firestore traffic a whole report takes, measured on a copy of this month's data.
      TestBed measure = CostFixtures.bed("2025-11-15T12:00:00Z").build();
      spendIn(measure, "2025-12-15T12:00:00Z", 200_000_00L, 12_000_00L, Map.of("alice", 5_00L));
      spendIn(
          measure,
          "2026-01-15T12:00:00Z",
          250_000_00L,
          9_000_00L,
          Map.of("alice", 1_000_00L, "bob", 300_00L));
      measure.clock.set(Instant.parse("2026-02-01T00:05:00Z"));
      try (app.avalo.infra.testing.TcpProxy measuring =
          new app.avalo.infra.testing.TcpProxy(app.avalo.infra.testing.Emulators.firestoreHost())) {
        callPrivate(via(measure, measuring.address()), GenerateMonthlyReport::new, body, 200);
        proxy.cutAfterBytes(measuring.bytes() / 2);
      }
      // What an undisturbed run uploads; then gone again, so the objects below are this test's
      // (LocalStorageHelper may share one in-memory bucket between the two apps).
      byte[] cleanCsv = object(measure, "cost-reports/2026-01.csv");
      byte[] cleanJson = object(measure, "cost-reports/2026-01.json");
      for (String name : List.of("cost-reports/2026-01.csv", "cost-reports/2026-01.json")) {
        measure.storage.delete(BlobId.of(BUCKET, name));
        bed.storage.delete(BlobId.of(BUCKET, name));
      }
      assertFalse(exists("cost-reports/2026-01.csv") || exists("cost-reports/2026-01.json"));
      TestBed throughProxy = via(bed, proxy.address());
      callPrivate(throughProxy, GenerateMonthlyReport::new, body, 500);
      assertTrue(proxy.isCut(), "the outage happened during the report");
      assertFalse(
          Firestores.await(bed.db.collection(ReportStore.REPORTS).document("2026-01").get())
              .exists(),
          "no report document after a failed run");
      // The JSON and CSV are uploaded before the report document is written; the cut (half the
      // run's Firestore traffic) falls in the reads before them, so neither was uploaded either.
      assertFalse(exists("cost-reports/2026-01.json"), "a JSON report uploaded by the failed run");
      assertFalse(exists("cost-reports/2026-01.csv"), "a CSV report uploaded by the failed run");

      proxy.restore();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      bed.clock.advance(Duration.ofMinutes(10)); // the dead run's lease has expired by the retry
      while (true) {
        FakeExchange.Response retry =
            FakeExchange.post()
                .body(body)
                .send(new GenerateMonthlyReport(throughProxy.platform, cost(throughProxy)));
        if (retry.status() == 200
            && "succeeded".equals(retry.json().get("outcome").getAsString())) {
          break;
        }
        if (retry.status() == 200) {
          // "skipped": an attempt during the reconnect took the lease and then lost Firestore;
          // Cloud Scheduler's next retry comes after that lease has expired.
          bed.clock.advance(Duration.ofMinutes(10));
        }
        assertTrue(System.nanoTime() < deadline, "the retry never succeeded: " + retry.body());
        Thread.sleep(250);
      }
      assertTrue(
          Firestores.await(bed.db.collection(ReportStore.REPORTS).document("2026-01").get())
              .exists());
      String csv = new String(object("cost-reports/2026-01.csv"), StandardCharsets.UTF_8);
      assertTrue(csv.contains("total"), csv);
      // The retry's objects are those an undisturbed run over the same data wrote, byte for byte.
      assertArrayEquals(cleanCsv, object("cost-reports/2026-01.csv"));
      assertArrayEquals(cleanJson, object("cost-reports/2026-01.json"));
    }
  }
}

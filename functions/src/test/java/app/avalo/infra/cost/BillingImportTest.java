package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.call;
import static app.avalo.infra.cost.CostFixtures.cost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.BigQueryApiFake;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The critical budgets (Cloud Functions, Firestore, Storage) fed from the Cloud Billing export: the
 * production adapter against a loopback fake of the BigQuery REST API holding export rows from
 * {@code cost/billing/export-rows.json}, and budget notifications as Pub/Sub pushes them.
 */
class BillingImportTest {
  private static final String PROJECT = "avalo-test";
  private static final String TABLE =
      "avalo-billing.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9";
  private static final String FIRESTORE_BUDGET = "6b4d7c2e-9a1f-4e8b-b3c5-0d2a7f9e1c44";

  private final BigQueryApiFake bigQuery = new BigQueryApiFake(PROJECT, TABLE, "EU");
  private final AuthEmulator.User admin = AuthEmulator.newAdmin();

  @AfterEach
  void stopFake() {
    bigQuery.close();
  }

  private TestBed bed(String at, Map<String, String> extra) {
    TestBed.Builder b =
        CostFixtures.bed(at)
            .env("COST_BILLING_SOURCE", "bigquery")
            .env("COST_BILLING_EXPORT_TABLE", TABLE)
            .env("COST_BIGQUERY_PROJECT", PROJECT)
            .env("COST_BIGQUERY_LOCATION", "EU")
            .env("COST_BIGQUERY_ENDPOINT", bigQuery.endpoint())
            .env("COST_BILLING_BUDGETS", FIRESTORE_BUDGET + "=firestore");
    b.env(extra);
    return b.build();
  }

  private static JsonArray rows(String fixture) {
    return JsonParser.parseString(fixture(fixture)).getAsJsonArray();
  }

  private static String fixture(String name) {
    try (InputStream in = BillingImportTest.class.getResourceAsStream("/cost/billing/" + name)) {
      assertNotNull(in, "fixture cost/billing/" + name + " missing");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonObject importAt(TestBed bed, Instant scheduledFor) throws Exception {
    FakeExchange.Response r =
        bed.runJob(new ImportBillingExport(bed.platform, cost(bed)), scheduledFor);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private JsonObject statusOf(TestBed bed, String service) throws Exception {
    for (JsonElement line :
        call(bed, GetBudgetStatus::new, admin, "{}").getAsJsonArray("services")) {
      if (line.getAsJsonObject().get("service").getAsString().equals(service)) {
        return line.getAsJsonObject();
      }
    }
    throw new AssertionError("no status line for " + service);
  }

  private static long spent(TestBed bed, String period, CostService service) {
    return cost(bed).ledgerStore().spentMicros(BillingPeriod.parse("period", period), service);
  }

  @Test
  void theCriticalBudgetsMoveFromTheBillingExport() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      bigQuery.addRows(rows("export-rows.json"));
      JsonObject run = importAt(bed, Instant.parse("2026-11-27T10:20:00Z"));
      JsonObject summary = run.getAsJsonObject("summary");
      assertEquals("2026-11-24T11:00:00Z", summary.get("from").getAsString(), run.toString());
      assertEquals("2026-11-27T11:00:00Z", summary.get("to").getAsString());
      assertEquals(6, summary.get("lines").getAsInt(), "the 20 Nov row is outside the 72 h window");
      assertEquals(6, summary.get("added").getAsInt());

      // Cloud Run: (100.25 − 10 free tier + 20.25) + 130.000001 + 40.10 PLN; Networking is not
      // mapped.
      assertEquals(28_060_000_100L, spent(bed, "2026-11", CostService.CLOUD_FUNCTIONS));
      assertEquals(11_000_000_000L, spent(bed, "2026-11", CostService.FIRESTORE));
      assertEquals(1_234_000_000L, spent(bed, "2026-11", CostService.STORAGE));
      assertEquals(28060L, statusOf(bed, "cloud-functions").get("spentMinor").getAsLong());
      assertEquals(11000L, statusOf(bed, "firestore").get("spentMinor").getAsLong());
      assertEquals(1234L, statusOf(bed, "storage").get("spentMinor").getAsLong());

      String query = bigQuery.requests().get(0);
      assertTrue(query.startsWith("POST /bigquery/v2/projects/" + PROJECT + "/queries"), query);
      assertEquals(1, bigQuery.requests().size(), "one page: no getQueryResults needed");
    }
  }

  @Test
  void aReRunAddsNothingAndARestatedHourReplacesItsLine() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      bigQuery.addRows(rows("export-rows.json"));
      importAt(bed, Instant.parse("2026-11-27T10:20:00Z"));
      bed.clock.advance(Duration.ofHours(1));
      JsonObject again = importAt(bed, Instant.parse("2026-11-27T11:20:00Z"));
      assertEquals(0, again.getAsJsonObject("summary").get("added").getAsInt(), again.toString());
      assertEquals(0, again.getAsJsonObject("summary").get("restated").getAsInt());
      assertEquals(28_060_000_100L, spent(bed, "2026-11", CostService.CLOUD_FUNCTIONS));

      // The export restates 09:00: more CPU for Cloud Run, a discount that zeroes Firestore reads.
      bigQuery.addRows(rows("export-late-rows.json"));
      bed.clock.advance(Duration.ofHours(1));
      JsonObject restated = importAt(bed, Instant.parse("2026-11-27T12:20:00Z"));
      JsonObject summary = restated.getAsJsonObject("summary");
      assertEquals(0, summary.get("added").getAsInt(), restated.toString());
      assertEquals(2, summary.get("restated").getAsInt());
      assertEquals(29_060_000_000L, spent(bed, "2026-11", CostService.CLOUD_FUNCTIONS));
      assertEquals(5_000_000_000L, spent(bed, "2026-11", CostService.FIRESTORE));
      assertEquals(
          6L,
          cost(bed)
                  .ledgerStore()
                  .periodTotals(BillingPeriod.parse("p", "2026-11"), CostService.CLOUD_FUNCTIONS)
                  .getOrDefault("events", 0L)
              + cost(bed)
                  .ledgerStore()
                  .periodTotals(BillingPeriod.parse("p", "2026-11"), CostService.FIRESTORE)
                  .getOrDefault("events", 0L)
              + cost(bed)
                  .ledgerStore()
                  .periodTotals(BillingPeriod.parse("p", "2026-11"), CostService.STORAGE)
                  .getOrDefault("events", 0L),
          "one event per line, however often it is restated");
    }
  }

  @Test
  void theLastHourOfAMonthIsBookedInThatMonth() throws Exception {
    try (TestBed bed = bed("2026-12-01T00:20:00Z", Map.of())) {
      JsonObject row = rows("export-rows.json").get(6).getAsJsonObject(); // Cloud Storage 12.34
      row.addProperty("usage_start_time", "2026-11-30T23:00:00Z");
      row.addProperty("usage_end_time", "2026-12-01T00:00:00Z");
      row.addProperty("export_time", "2026-12-01T00:12:00Z");
      bigQuery.addRow(row);
      importAt(bed, Instant.parse("2026-12-01T00:20:00Z"));
      assertEquals(1_234_000_000L, spent(bed, "2026-11", CostService.STORAGE));
      assertEquals(0L, spent(bed, "2026-12", CostService.STORAGE));
    }
  }

  @Test
  void aPendingJobIsPolledAndEveryPageIsRead() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      bigQuery.addRows(rows("export-rows.json"));
      bigQuery.pendingPolls(2);
      bigQuery.pageSize(2);
      importAt(bed, Instant.parse("2026-11-27T10:20:00Z"));
      assertEquals(28_060_000_100L, spent(bed, "2026-11", CostService.CLOUD_FUNCTIONS));
      assertEquals(11_000_000_000L, spent(bed, "2026-11", CostService.FIRESTORE));
      assertEquals(1_234_000_000L, spent(bed, "2026-11", CostService.STORAGE));
      // jobs.query, two polls, then the first page and two more by pageToken (6 lines, 2 a page).
      assertEquals(6, bigQuery.requests().size(), bigQuery.requests().toString());
      assertTrue(
          bigQuery.requests().get(5).contains("pageToken=page-4")
              && bigQuery.requests().get(5).contains("location=EU"),
          bigQuery.requests().toString());
    }
  }

  @Test
  void aForeignCurrencyNeedsARateAndIsConverted() throws Exception {
    JsonObject row = rows("export-rows.json").get(6).getAsJsonObject(); // Cloud Storage 12.34
    row.addProperty("currency", "USD");
    bigQuery.addRow(row);
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      FakeExchange.Response r =
          bed.runJob(
              new ImportBillingExport(bed.platform, cost(bed)),
              Instant.parse("2026-11-27T10:20:00Z"));
      assertEquals(400, r.status(), r.body());
      assertTrue(r.errorMessage().contains("COST_BILLING_FX"), r.body());
      assertEquals(0L, spent(bed, "2026-11", CostService.STORAGE), "nothing booked");
    }
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of("COST_BILLING_FX", "USD=4.05"))) {
      importAt(bed, Instant.parse("2026-11-27T10:20:00Z"));
      assertEquals(4_997_700_000L, spent(bed, "2026-11", CostService.STORAGE), "12.34 × 4.05");
    }
  }

  @Test
  void aBigQueryErrorFailsTheRunAndBooksNothing() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      bigQuery.addRows(rows("export-rows.json"));
      bigQuery.failNext(403, "PERMISSION_DENIED", "accessDenied", "Access Denied: Table " + TABLE);
      FakeExchange.Response r =
          bed.runJob(
              new ImportBillingExport(bed.platform, cost(bed)),
              Instant.parse("2026-11-27T10:20:00Z"));
      assertEquals(500, r.status(), r.body());
      assertEquals(0L, spent(bed, "2026-11", CostService.CLOUD_FUNCTIONS));
      // Cloud Scheduler retries: the next attempt books it.
      importAt(bed, Instant.parse("2026-11-27T10:20:00Z"));
      assertEquals(28_060_000_100L, spent(bed, "2026-11", CostService.CLOUD_FUNCTIONS));
    }
  }

  @Test
  void anImportThatCrossesAThresholdRaisesTheBudgetAlert() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      JsonObject row = rows("export-rows.json").get(5).getAsJsonObject(); // Firestore 09:00
      row.addProperty("cost", 9_100.0); // 91 % of the 10 000 PLN budget
      bigQuery.addRow(row);
      JsonObject run = importAt(bed, Instant.parse("2026-11-27T10:20:00Z"));
      assertEquals(
          "critical",
          run.getAsJsonObject("summary")
              .getAsJsonObject("budgetStates")
              .get("firestore")
              .getAsString(),
          run.toString());
      assertEquals("critical", statusOf(bed, "firestore").get("state").getAsString());
      assertEquals(
          1,
          Firestores.await(
                  bed.db
                      .collection(Alerts.COLLECTION)
                      .whereEqualTo("key", "budget:firestore:2026-11:critical")
                      .get())
              .size());
    }
  }

  @Test
  void withTheSourceOffTheJobSkipsLocally() throws Exception {
    try (TestBed bed = CostFixtures.bed("2026-11-27T10:20:00Z").build()) {
      JsonObject run = importAt(bed, Instant.parse("2026-11-27T10:20:00Z"));
      assertEquals("off", run.getAsJsonObject("summary").get("source").getAsString());
      assertTrue(bigQuery.requests().isEmpty());
    }
  }

  // ---- budget notifications (Pub/Sub push) ----

  private static FakeExchange.Response push(TestBed bed, String body) throws Exception {
    return bed.callPrivate(new ReceiveBudgetNotification(bed.platform, cost(bed)), body);
  }

  @Test
  void aBudgetNotificationIsAFloorOfTheServicesSpend() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      FakeExchange.Response r = push(bed, fixture("push-firestore.json"));
      assertEquals(200, r.status(), r.body());
      assertTrue(r.json().get("kept").getAsBoolean(), r.body());
      assertEquals("warning", r.json().get("budgetState").getAsString(), "74 % of 10 000 PLN");
      assertEquals(742137L, statusOf(bed, "firestore").get("spentMinor").getAsLong());

      // Pub/Sub redelivers and does not keep order: an older notification changes nothing.
      assertFalse(
          push(bed, fixture("push-firestore-older.json")).json().get("kept").getAsBoolean());
      assertFalse(push(bed, fixture("push-firestore.json")).json().get("kept").getAsBoolean());
      assertEquals(742137L, statusOf(bed, "firestore").get("spentMinor").getAsLong());

      // Once the export has booked more than the notification said, the ledger wins.
      cost(bed).ledger().recordCost(CostService.FIRESTORE, 800_000, null, "export-catch-up");
      assertEquals(800_000L, statusOf(bed, "firestore").get("spentMinor").getAsLong());
    }
  }

  @Test
  void anUnmappedBudgetIsAcknowledgedAndIgnored() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      FakeExchange.Response r = push(bed, fixture("push-unmapped.json"));
      assertEquals(200, r.status(), r.body());
      assertFalse(r.json().get("kept").getAsBoolean());
      assertTrue(r.json().get("ignored").getAsString().contains("COST_BILLING_BUDGETS"));
      assertTrue(
          Firestores.await(bed.db.collection(BillingStore.NOTICES).get()).isEmpty(),
          "nothing written");
    }
  }

  @Test
  void aNotificationInAnotherCurrencyIsConverted() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      FakeExchange.Response refused = push(bed, fixture("push-firestore-usd.json"));
      assertEquals(400, refused.status(), refused.body());
      assertTrue(refused.errorMessage().contains("COST_BILLING_FX"), refused.body());
    }
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of("COST_BILLING_FX", "USD=4.00"))) {
      assertEquals(200, push(bed, fixture("push-firestore-usd.json")).status());
      assertEquals(740100L, statusOf(bed, "firestore").get("spentMinor").getAsLong());
    }
  }

  @Test
  void aMalformedPushIsRefusedNamingTheFieldAndWritesNothing() throws Exception {
    try (TestBed bed = bed("2026-11-27T10:20:00Z", Map.of())) {
      JsonObject good = JsonParser.parseString(fixture("push-firestore.json")).getAsJsonObject();
      Map<String, java.util.function.Consumer<JsonObject>> breakages =
          Map.of(
              "message.data",
              p -> p.getAsJsonObject("message").addProperty("data", "not base64!"),
              "message.attributes.schemaVersion",
              p ->
                  p.getAsJsonObject("message")
                      .getAsJsonObject("attributes")
                      .addProperty("schemaVersion", "2.0"),
              "message.publishTime",
              p -> p.getAsJsonObject("message").remove("publishTime"),
              "extra",
              p -> p.addProperty("extra", 1),
              "message.data.costAmount",
              p ->
                  p.getAsJsonObject("message")
                      .addProperty(
                          "data",
                          java.util.Base64.getEncoder()
                              .encodeToString(
                                  "{\"costAmount\":\"lots\",\"budgetAmount\":1,\"costIntervalStart\":\"2026-11-01T00:00:00Z\",\"currencyCode\":\"PLN\"}"
                                      .getBytes(StandardCharsets.UTF_8))));
      for (Map.Entry<String, java.util.function.Consumer<JsonObject>> b : breakages.entrySet()) {
        JsonObject body = good.deepCopy();
        b.getValue().accept(body);
        FakeExchange.Response r = push(bed, body.toString());
        assertEquals(400, r.status(), b.getKey() + ": " + r.body());
        assertTrue(r.errorMessage().startsWith(b.getKey()), b.getKey() + ": " + r.body());
      }
      assertTrue(Firestores.await(bed.db.collection(BillingStore.NOTICES).get()).isEmpty());
    }
  }
}

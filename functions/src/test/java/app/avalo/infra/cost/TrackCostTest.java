package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.anotherInstance;
import static app.avalo.infra.cost.CostFixtures.callPrivate;
import static app.avalo.infra.cost.CostFixtures.cost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrackCostTest {
  @RegisterExtension final TestBed bed = CostFixtures.bed("2026-05-10T12:00:00Z").build();

  private record Call(String userId, String model, long in, long out) {}

  @Test
  void thousandConcurrentAiCallsAddUpExactly() throws Exception {
    PriceTable prices = PriceTable.defaults();
    Random random = new Random(42);
    List<Call> calls = new ArrayList<>();
    String[] models = {"gpt-4o", "gpt-4o-mini", "claude-3.5-sonnet", "gemini-2.0-flash"};
    for (int i = 0; i < 1000; i++) {
      calls.add(
          new Call(
              "user-" + random.nextInt(20),
              models[random.nextInt(models.length)],
              random.nextInt(4000),
              random.nextInt(1500)));
    }
    long expectedMicros = 0;
    Map<String, Long> expectedPerUser = new HashMap<>();
    for (Call c : calls) {
      long micros = prices.aiCostMicros(c.model(), c.in(), c.out());
      expectedMicros += micros;
      expectedPerUser.merge(c.userId(), micros, Long::sum);
    }
    ExecutorService pool = Executors.newFixedThreadPool(48);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<JsonObject>> results = new ArrayList<>();
    for (Call c : calls) {
      results.add(
          pool.submit(
              () -> {
                start.await();
                return callPrivate(
                    bed,
                    TrackAiCost::new,
                    "{\"userId\":\""
                        + c.userId()
                        + "\",\"model\":\""
                        + c.model()
                        + "\",\"inputTokens\":"
                        + c.in()
                        + ",\"outputTokens\":"
                        + c.out()
                        + ",\"feature\":\"chat\"}");
              }));
    }
    start.countDown();
    long answeredMicros = 0;
    for (Future<JsonObject> f : results) {
      answeredMicros += f.get(5, TimeUnit.MINUTES).get("costMicros").getAsLong();
    }
    pool.shutdown();
    assertEquals(expectedMicros, answeredMicros, "each call answers its own exact price");
    Map<String, Long> totals =
        cost(bed).ledgerStore().periodTotals(BillingPeriod.parse("p", "2026-05"), CostService.AI);
    assertEquals(expectedMicros, totals.get("costMicros"), "period total is exact to the micro");
    assertEquals(1000L, totals.get("events"));
    assertEquals(calls.stream().mapToLong(Call::in).sum(), totals.get("inputTokens"));
    assertEquals(expectedMicros, totals.get("feature_chat"));
    for (var e : expectedPerUser.entrySet()) {
      DocumentSnapshot month =
          Firestores.await(
              bed.db.collection(LedgerStore.USER_MONTHS).document("2026-05~" + e.getKey()).get());
      assertEquals(e.getValue(), month.getLong("costMicros"), e.getKey());
      DocumentSnapshot day =
          Firestores.await(
              bed.db.collection(LedgerStore.USER_DAYS).document("2026-05-10~" + e.getKey()).get());
      assertEquals(e.getValue(), day.getLong("costMicros_ai"), e.getKey());
    }
    var metrics = cost(bed).metrics().compute(BillingPeriod.parse("p", "2026-05"));
    assertEquals(
        Money.toMinor(expectedMicros),
        metrics.totalSpendMinor(),
        "shown to the grosz, rounded once");
  }

  @Test
  void badInputIsRefusedNamingTheFieldAndWritesNothing() throws Exception {
    cost(bed).seedDefaults();
    String[][] cases = {
      {
        "ai",
        """
        {"userId":"u1","model":"gpt-4o","inputTokens":-1,"outputTokens":5}\
        """,
        "inputTokens"
      },
      {
        "ai",
        """
        {"userId":"u1","model":"gpt-4o","inputTokens":1,"outputTokens":-5}\
        """,
        "outputTokens"
      },
      {
        "ai",
        """
        {"userId":"u1","model":"no-such-model","inputTokens":1,"outputTokens":5}\
        """,
        "model"
      },
      {
        "ai",
        """
        {"userId":"u1","model":"gpt-4o","inputTokens":1.5,"outputTokens":5}\
        """,
        "inputTokens"
      },
      {
        "ai",
        """
        {"userId":"a/b","model":"gpt-4o","inputTokens":1,"outputTokens":5}\
        """,
        "userId"
      },
      {
        "ai",
        "{\"userId\":\"u1\",\"model\":\"gpt-4o\",\"inputTokens\":1,\"outputTokens\":5,\"feature\":\"a"
            + " b\"}",
        "feature"
      },
      {
        "ai",
        """
        {"userId":"u1","model":"x","inputTokens":1,"outputTokens":5,"costMinor":-3}\
        """,
        "costMinor"
      },
      {
        "ai",
        """
        {"userId":"u1","model":"gpt-4o","inputTokens":1,"outputTokens":5,"extra":1}\
        """,
        "extra"
      },
      {
        "bw",
        """
        {"service":"video","bytes":100000000000000000000,"region":"europe-west10"}\
        """,
        "bytes"
      },
      {
        "bw",
        "{\"service\":\"video\",\"bytes\":"
            + (CostLedger.MAX_BYTES + 1)
            + ",\"region\":\"europe-west10\"}",
        "bytes"
      },
      {"bw", "{\"service\":\"video\",\"bytes\":-1,\"region\":\"europe-west10\"}", "bytes"},
      {"bw", "{\"service\":\"sms\",\"bytes\":1,\"region\":\"europe-west10\"}", "service"},
      {"bw", "{\"service\":\"cdn\",\"bytes\":1}", "region"},
    };
    for (String[] c : cases) {
      long writes = Emulators.firestoreWriteCount();
      JsonObject body =
          c[0].equals("ai")
              ? callPrivate(bed, TrackAiCost::new, c[1], 400)
              : callPrivate(bed, TrackBandwidthCost::new, c[1], 400);
      JsonObject error = body.getAsJsonObject("error");
      assertEquals("INVALID_ARGUMENT", error.get("status").getAsString(), c[1]);
      assertEquals(c[2], error.getAsJsonObject("details").get("field").getAsString(), c[1]);
      assertEquals(writes, Emulators.firestoreWriteCount(), "no writes for " + c[1]);
    }
  }

  @Test
  void explicitCostIsBookedAsIsAndAnEventIdIsBookedOnce() throws Exception {
    String body =
        "{\"userId\":\"u1\",\"model\":\"in-house-llm\",\"inputTokens\":10,\"outputTokens\":10,"
            + "\"costMinor\":1234,\"eventId\":\"evt-1\"}";
    JsonObject first = callPrivate(bed, TrackAiCost::new, body);
    assertEquals(1234, first.get("costMinor").getAsLong());
    assertFalse(first.get("duplicate").getAsBoolean());
    JsonObject again = callPrivate(bed, TrackAiCost::new, body);
    assertTrue(again.get("duplicate").getAsBoolean());
    assertEquals(1234, again.get("costMinor").getAsLong());
    Map<String, Long> totals =
        cost(bed).ledgerStore().periodTotals(BillingPeriod.parse("p", "2026-05"), CostService.AI);
    assertEquals(Money.toMicros(1234), totals.get("costMicros"));
    assertEquals(1L, totals.get("events"));
    assertEquals(Money.toMicros(1234), totals.get("model_in_house_llm"));
  }

  @Test
  void bandwidthFunctionAndJavaApiBookThroughTheSameLedger() throws Exception {
    JsonObject video =
        callPrivate(
            bed,
            TrackBandwidthCost::new,
            "{\"service\":\"video\",\"bytes\":"
                + (2L << 30)
                + ",\"region\":\"europe-west10\",\"userId\":\"viewer-1\"}");
    assertEquals(64, video.get("costMinor").getAsLong(), "2 GiB × 32 gr/GiB");
    CostLedger.Recorded cdn =
        cost(bed).ledger().recordBandwidth(CostService.CDN, 1L << 29, "asia-southeast1", null);
    assertEquals(18, cdn.costMinor(), "0.5 GiB × 36 gr/GiB");
    CostLedger.Recorded unknownRegion =
        cost(bed).ledger().recordBandwidth(CostService.WEBRTC, 1L << 30, "mars-north1", "u");
    assertEquals(48, unknownRegion.costMinor(), "regions without a price use the service default");
    BillingPeriod may = BillingPeriod.parse("p", "2026-05");
    assertEquals(
        1L << 31, cost(bed).ledgerStore().periodTotals(may, CostService.VIDEO).get("bytes"));
    assertEquals(
        Money.toMicros(18),
        cost(bed).ledgerStore().periodTotals(may, CostService.CDN).get("region_ASIA"),
        "a Cloud region is counted under its Avalo region");
    DocumentSnapshot viewer =
        Firestores.await(
            bed.db.collection(LedgerStore.USER_MONTHS).document("2026-05~viewer-1").get());
    assertEquals(Money.toMicros(64), viewer.getLong("costMicros_video"));
  }

  @Test
  void pricesAreReadFromFirestoreAndSeededWhenMissing() throws Exception {
    callPrivate(
        bed,
        TrackAiCost::new,
        """
        {"userId":"u1","model":"gpt-4o","inputTokens":1000,"outputTokens":0}\
        """);
    assertTrue(
        Firestores.await(
                bed.db.collection(PricingStore.CONFIG).document(PricingStore.PRICES_DOC).get())
            .exists());
    assertTrue(
        Firestores.await(bed.db.collection(BudgetStore.BUDGETS).document("ai").get()).exists());
    cost(bed)
        .pricingStore()
        .savePrices(
            new PriceTable(Map.of("house", new PriceTable.ModelPrice(5_000_000, 0)), Map.of()));
    TestBed fresh = anotherInstance(bed);
    JsonObject priced =
        callPrivate(
            fresh,
            TrackAiCost::new,
            """
            {"userId":"u1","model":"house","inputTokens":2000,"outputTokens":0}\
            """);
    assertEquals(10, priced.get("costMinor").getAsLong(), "an admin-edited price applies");
    callPrivate(
        fresh,
        TrackAiCost::new,
        """
        {"userId":"u1","model":"gpt-4o","inputTokens":1,"outputTokens":0}\
        """,
        400);
  }
}

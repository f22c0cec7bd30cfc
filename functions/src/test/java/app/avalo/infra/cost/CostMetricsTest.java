package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.call;
import static app.avalo.infra.cost.CostFixtures.cost;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.WriteBatch;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CostMetricsTest {
  @RegisterExtension final TestBed bed = CostFixtures.bed("2026-05-20T12:00:00Z").build();
  private final AuthEmulator.User admin = AuthEmulator.newAdmin();

  private void put(WriteBatch batch, String collection, String id, Map<String, Object> doc) {
    batch.set(bed.db.collection(collection).document(id), doc);
  }

  private static Object at(String iso) {
    return Firestores.timestamp(Instant.parse(iso));
  }

  @BeforeEach
  void appActivity() {
    WriteBatch batch = bed.db.batch();
    for (int i = 0; i < 10; i++) {
      put(
          batch,
          "users",
          "may-" + i,
          Map.of("lastActiveAt", at("2026-05-0" + (i % 9 + 1) + "T08:00:00Z")));
    }
    for (int i = 0; i < 3; i++) {
      put(batch, "users", "april-" + i, Map.of("lastActiveAt", at("2026-04-30T23:59:59Z")));
    }
    put(batch, "users", "june", Map.of("lastActiveAt", at("2026-06-01T00:00:00Z")));
    for (int i = 0; i < 4; i++) {
      put(batch, "chats", "c" + i, Map.of("createdAt", at("2026-05-1" + i + "T10:00:00Z")));
    }
    put(batch, "chats", "old", Map.of("createdAt", at("2026-04-10T10:00:00Z")));
    for (int i = 0; i < 5; i++) {
      put(batch, "calls", "k" + i, Map.of("startedAt", at("2026-05-0" + (i + 1) + "T21:00:00Z")));
    }
    put(batch, "payments", "p1", payment(10_000, "succeeded", "2026-05-02T10:00:00Z"));
    put(batch, "payments", "p2", payment(25_000, "succeeded", "2026-05-15T10:00:00Z"));
    put(batch, "payments", "p3", payment(5_050, "succeeded", "2026-05-31T23:59:59Z"));
    put(batch, "payments", "failed", payment(99_999, "failed", "2026-05-03T10:00:00Z"));
    put(batch, "payments", "april", payment(7_777, "succeeded", "2026-04-30T10:00:00Z"));
    Firestores.await(batch.commit());
  }

  private static Map<String, Object> payment(long amountMinor, String status, String iso) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("amountMinor", amountMinor);
    doc.put("status", status);
    doc.put("createdAt", at(iso));
    return doc;
  }

  @Test
  void unitCostsAndSpendToRevenueComeFromAggregationQueries() throws Exception {
    CostLedger ledger = cost(bed).ledger();
    ledger.recordAi(
        "may-1", "gpt-4o", 1_000_000, 250_000, "companion", null, null); // 1000 + 1000 gr
    ledger.recordBandwidth(CostService.WEBRTC, 10L << 30, "europe-west10", "may-2"); // 480 gr
    ledger.recordCost(CostService.FIRESTORE, 1_23, null, null);
    JsonObject m = call(bed, GetCostMetrics::new, admin, "{\"period\":\"2026-05\"}");
    assertEquals("2026-05", m.get("period").getAsString());
    assertEquals(2_000 + 480 + 123, m.get("totalSpendMinor").getAsLong());
    assertEquals(10, m.get("activeUsers").getAsLong());
    assertEquals(4, m.get("chats").getAsLong());
    assertEquals(5, m.get("calls").getAsLong());
    assertEquals(3, m.get("payments").getAsLong());
    assertEquals(40_050, m.get("revenueMinor").getAsLong());
    assertEquals(260, m.get("costPerActiveUserMinor").getAsLong(), "2603 / 10 = 260.3");
    assertEquals(651, m.get("costPerChatMinor").getAsLong(), "2603 / 4 = 650.75");
    assertEquals(521, m.get("costPerCallMinor").getAsLong(), "2603 / 5 = 520.6");
    assertEquals("6.50", m.get("spendToRevenuePercent").getAsString(), "2603 / 40050");
    JsonObject ai = null;
    for (JsonElement s : m.getAsJsonArray("services")) {
      if (s.getAsJsonObject().get("service").getAsString().equals("ai")) {
        ai = s.getAsJsonObject();
      }
    }
    assertEquals(2_000, ai.get("costMinor").getAsLong());
    assertEquals(1_000_000, ai.getAsJsonObject("usage").get("inputTokens").getAsLong());
    assertEquals(2_000, ai.getAsJsonObject("breakdownMinor").get("model_gpt_4o").getAsLong());
    assertEquals(2_000, ai.getAsJsonObject("breakdownMinor").get("feature_companion").getAsLong());

    JsonObject april = call(bed, GetCostMetrics::new, admin, "{\"period\":\"2026-04\"}");
    assertEquals(0, april.get("totalSpendMinor").getAsLong());
    assertEquals(3, april.get("activeUsers").getAsLong());
    assertEquals(7_777, april.get("revenueMinor").getAsLong());
    assertEquals("0.00", april.get("spendToRevenuePercent").getAsString());
    JsonObject empty = call(bed, GetCostMetrics::new, admin, "{\"period\":\"2025-01\"}");
    assertEquals(
        true,
        empty.get("costPerActiveUserMinor") == null,
        "no users → no unit cost, not a division by zero");
  }

  @Test
  void periodMustBeAMonthAndCallerAnAdmin() throws Exception {
    for (String bad : new String[] {"\"2026-5\"", "\"2026-13\"", "\"May\"", "202605", "null"}) {
      JsonObject error =
          call(bed, GetCostMetrics::new, admin, "{\"period\":" + bad + "}", 400)
              .getAsJsonObject("error");
      assertEquals("period", error.getAsJsonObject("details").get("field").getAsString(), bad);
    }
    call(bed, GetCostMetrics::new, AuthEmulator.newUser(), "{\"period\":\"2026-05\"}", 403);
  }
}

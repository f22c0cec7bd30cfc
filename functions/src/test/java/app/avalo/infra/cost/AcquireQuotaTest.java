package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.call;
import static app.avalo.infra.cost.CostFixtures.callPrivate;
import static app.avalo.infra.cost.CostFixtures.cost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * acquireQuota, the backends' server-side check: the same limiter, budget and abuse state as the
 * app's checkThrottle, several units at once.
 */
class AcquireQuotaTest {
  @RegisterExtension final TestBed bed = CostFixtures.bed("2026-03-10T10:00:00Z").build();
  private final AuthEmulator.User user = AuthEmulator.newUser();

  @BeforeEach
  void limit() {
    cost(bed).seedDefaults();
    // One every 6 s sustained, bursts of 10.
    cost(bed)
        .pricingStore()
        .saveRateLimits(Map.of(CostService.AI, new RateLimit(10, Duration.ofMinutes(1), 10)));
  }

  private JsonObject acquire(long units, int status) throws Exception {
    return callPrivate(
        bed,
        AcquireQuota::new,
        "{\"userId\":\"" + user.uid() + "\",\"service\":\"ai\",\"units\":" + units + "}",
        status);
  }

  @Test
  void unitsAreTakenAllOrNoneFromTheLimitTheAppAlsoDrawsOn() throws Exception {
    assertTrue(acquire(6, 200).get("allowed").getAsBoolean());
    JsonObject tooMany = acquire(5, 200);
    assertFalse(tooMany.get("allowed").getAsBoolean(), "only 4 of the burst are left");
    assertEquals("rate_limit", tooMany.get("reason").getAsString());
    assertEquals(6_000, tooMany.get("retryAfterMs").getAsLong(), "one more unit refills in 6 s");
    assertTrue(acquire(4, 200).get("allowed").getAsBoolean(), "the refusal took nothing");
    JsonObject app = call(bed, CheckThrottle::new, user, "{\"service\":\"ai\"}");
    assertFalse(app.get("allowed").getAsBoolean(), "the app's check sees the same limit");
    bed.clock.advance(Duration.ofSeconds(12));
    assertTrue(acquire(2, 200).get("allowed").getAsBoolean());
  }

  @Test
  void moreUnitsThanTheBurstAreRefusedAsBadInput() throws Exception {
    JsonObject refused = acquire(11, 400);
    assertTrue(
        refused.getAsJsonObject("error").get("message").getAsString().startsWith("units:"),
        refused.toString());
    assertTrue(acquire(10, 200).get("allowed").getAsBoolean(), "nothing was taken");
  }

  @Test
  void anExhaustedBudgetDeniesTheBackendToo() throws Exception {
    cost(bed).ledger().recordCost(CostService.AI, 40_001_00, null, null); // > 80 % of 50 000 PLN
    JsonObject denied = acquire(1, 200);
    assertFalse(denied.get("allowed").getAsBoolean());
    assertEquals("budget", denied.get("reason").getAsString());
  }
}

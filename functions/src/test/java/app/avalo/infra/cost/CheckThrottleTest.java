package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.anotherInstance;
import static app.avalo.infra.cost.CostFixtures.call;
import static app.avalo.infra.cost.CostFixtures.cost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckThrottleTest {
  private static final int BURST = 20;
  @RegisterExtension final TestBed bed = CostFixtures.bed("2026-03-10T10:00:00Z").build();
  private final AuthEmulator.User user = AuthEmulator.newUser();

  @BeforeEach
  void tightLimit() {
    cost(bed).seedDefaults();
    // 10 per minute sustained (one every 6 s), bursts of 20.
    cost(bed)
        .pricingStore()
        .saveRateLimits(Map.of(CostService.AI, new RateLimit(10, Duration.ofMinutes(1), BURST)));
  }

  /**
   * Fires {@code callers} concurrent checkThrottle calls spread over {@code instances}; returns
   * reasons → count.
   */
  private Map<String, Integer> fire(List<TestBed> instances, int callers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      TestBed instance = instances.get(i % instances.size());
      answers.add(
          pool.submit(
              () -> {
                start.await();
                var response =
                    FakeExchange.post()
                        .bearer(user.idToken())
                        .data("{\"service\":\"ai\"}")
                        .send(new CheckThrottle(instance.platform, cost(instance)));
                assertEquals(200, response.status(), response.body());
                return response.result().getAsJsonObject();
              }));
    }
    start.countDown();
    Map<String, Integer> outcome = new ConcurrentHashMap<>();
    for (Future<JsonObject> answer : answers) {
      JsonObject a = answer.get(2, TimeUnit.MINUTES);
      String key = a.get("allowed").getAsBoolean() ? "allowed" : a.get("reason").getAsString();
      outcome.merge(key, 1, Integer::sum);
    }
    pool.shutdown();
    return outcome;
  }

  @Test
  void fiftyConcurrentCallersOnOneInstanceGetExactlyTheBurst() throws Exception {
    Map<String, Integer> outcome = fire(List.of(bed), 50);
    System.out.println("one instance, 50 callers: " + outcome);
    assertEquals(BURST, outcome.getOrDefault("allowed", 0), outcome.toString());
    assertEquals(50 - BURST, outcome.getOrDefault("rate_limit", 0), outcome.toString());
  }

  @Test
  void fiftyConcurrentCallersAcrossFiveInstancesStayWithinTheLimit() throws Exception {
    List<TestBed> instances =
        List.of(
            bed,
            anotherInstance(bed),
            anotherInstance(bed),
            anotherInstance(bed),
            anotherInstance(bed));
    Map<String, Integer> outcome = fire(instances, 50);
    System.out.println("five instances, 50 callers: " + outcome);
    int allowed = outcome.getOrDefault("allowed", 0);
    assertTrue(allowed <= BURST, "never more than the limit: " + outcome);
    assertTrue(
        allowed >= BURST - 1, "within 5 % of the limit (contention fails closed): " + outcome);

    bed.clock.advance(Duration.ofSeconds(30)); // 30 s at one per 6 s refills 5
    Map<String, Integer> refill = fire(instances, 50);
    System.out.println("after 30 s, 50 callers: " + refill);
    assertTrue(refill.getOrDefault("allowed", 0) <= 5 + (BURST - allowed), refill.toString());
    assertTrue(refill.getOrDefault("allowed", 0) >= 4, refill.toString());
  }

  @Test
  void deniedAnswerSaysWhenToRetry() throws Exception {
    fire(List.of(bed), BURST);
    JsonObject denied = call(bed, CheckThrottle::new, user, "{\"service\":\"ai\"}");
    assertEquals(false, denied.get("allowed").getAsBoolean());
    assertEquals("rate_limit", denied.get("reason").getAsString());
    assertEquals(6_000, denied.get("retryAfterMs").getAsLong(), "one emission interval");
    bed.clock.advance(Duration.ofMillis(5_999));
    assertEquals(
        false,
        call(bed, CheckThrottle::new, user, "{\"service\":\"ai\"}").get("allowed").getAsBoolean());
    bed.clock.advance(Duration.ofMillis(1));
    assertEquals(
        true,
        call(bed, CheckThrottle::new, user, "{\"service\":\"ai\"}").get("allowed").getAsBoolean());
    AuthEmulator.User other = AuthEmulator.newUser();
    assertEquals(
        true,
        call(bed, CheckThrottle::new, other, "{\"service\":\"ai\"}").get("allowed").getAsBoolean(),
        "limits are per user");
    assertEquals(
        true,
        call(bed, CheckThrottle::new, user, "{\"service\":\"storage\"}")
            .get("allowed")
            .getAsBoolean(),
        "services without a limit are not rate limited");
  }

  @Test
  void refusesAnonymousCallersAndUnknownServices() throws Exception {
    assertEquals(
        401,
        FakeExchange.post()
            .data("{\"service\":\"ai\"}")
            .send(new CheckThrottle(bed.platform, cost(bed)))
            .status());
    JsonObject bad = call(bed, CheckThrottle::new, user, "{\"service\":\"sms\"}", 400);
    assertEquals(
        "service",
        bad.getAsJsonObject("error").getAsJsonObject("details").get("field").getAsString());
  }
}

package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Json;
import app.avalo.infra.routing.RegionHealthServer.Mode;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fail-back of unpinned services on fault timelines ({@code routing/failback/timelines.json}): EU's
 * health endpoint fails during the listed intervals (seconds from the start of a 12-round run), the
 * checker probes every 10 s on a test clock, and after every round a German user asks {@code
 * getRouting} for an unpinned service. EU must be left during the outage and answered again within
 * {@code backWithinSeconds} of its last failure (null: never, intermittent errors stay degraded).
 */
class FailBackTimelineTest {
  /** One probe round's routing answer. */
  private record Sample(long second, String region, String euStatus) {}

  @TestFactory
  Stream<DynamicTest> unpinnedServicesReturnToARecoveredRegion() {
    JsonArray timelines = RoutingFixtures.fixture("failback/timelines.json").getAsJsonArray();
    assertTrue(timelines.size() > 0);
    return timelines.asList().stream()
        .map(JsonElement::getAsJsonObject)
        .map(t -> DynamicTest.dynamicTest(t.get("name").getAsString(), () -> play(t)));
  }

  private static boolean failingAt(JsonArray failing, long second) {
    for (JsonElement interval : failing) {
      JsonArray fromUntil = interval.getAsJsonArray();
      if (second >= fromUntil.get(0).getAsLong() && second < fromUntil.get(1).getAsLong()) {
        return true;
      }
    }
    return false;
  }

  private void play(JsonObject timeline) throws Exception {
    JsonArray failing = timeline.getAsJsonArray("failing");
    MutableClock clock = MutableClock.at(RoutingFixtures.START);
    Instant start = clock.instant();
    List<Sample> samples = new ArrayList<>();
    try (RegionHealthServer server = new RegionHealthServer()) {
      TestBed[] holder = new TestBed[1];
      AuthEmulator.User user = TestBed.newUser();
      Sleeper sleeper =
          wait -> {
            // The end of a round: what does routing answer now?
            samples.add(sample(holder[0], user, Duration.between(start, clock.instant())));
            clock.advance(wait);
            long second = Duration.between(start, clock.instant()).toSeconds();
            server.set("EU", failingAt(failing, second) ? Mode.FAIL : Mode.OK);
          };
      try (TestBed bed =
          TestBed.builder()
              .clock(clock)
              .routing(new RoutingModule.Adapters(sleeper, FailoverMigrator.BatchHook.NONE))
              .env(
                  java.util.Map.of(
                      "ROUTING_HEALTH_ROUNDS", "12",
                      "ROUTING_PROBE_CONNECT_TIMEOUT_MS", "500",
                      "ROUTING_PROBE_TIMEOUT_MS", "700"))
              .build()) {
        holder[0] = bed;
        RoutingFixtures.initializeRegions(bed, server);
        server.set("EU", failingAt(failing, 0) ? Mode.FAIL : Mode.OK);
        bed.root.routing().healthRun().run(start.plus(Duration.ofMinutes(5)), (k, v) -> {});
        samples.add(sample(bed, user, Duration.between(start, clock.instant())));
      }
    }
    long lastFailure =
        failing.get(failing.size() - 1).getAsJsonArray().get(1).getAsLong(); // health returns
    String worst = timeline.get("worst").getAsString();
    assertTrue(
        samples.stream().anyMatch(s -> s.euStatus().equals(worst)),
        "EU reached " + worst + ": " + samples);
    assertTrue(
        samples.stream().anyMatch(s -> s.second() < lastFailure && !s.region().equals("EU")),
        "the outage moved the German user away from EU: " + samples);
    Long back =
        samples.stream()
            .filter(s -> s.second() >= lastFailure && s.region().equals("EU"))
            .map(Sample::second)
            .findFirst()
            .orElse(null);
    JsonElement within = timeline.get("backWithinSeconds");
    if (within.isJsonNull()) {
      assertNull(back, "intermittent errors keep EU degraded: " + samples);
      assertEquals("degraded", samples.get(samples.size() - 1).euStatus(), samples.toString());
      return;
    }
    assertNotNull(back, "EU never came back: " + samples);
    assertTrue(
        back - lastFailure <= within.getAsLong(),
        "back " + (back - lastFailure) + " s after its health returned: " + samples);
    assertTrue(
        samples.stream().filter(s -> s.second() >= back).allMatch(s -> s.region().equals("EU")),
        "and it stays: " + samples);
  }

  private static Sample sample(TestBed bed, AuthEmulator.User user, Duration at) {
    try {
      bed.root.routing().view().refreshNow();
      JsonObject data = new JsonObject();
      data.addProperty("service", "feed");
      data.addProperty("country", "DE");
      JsonObject answer =
          RoutingFixtures.result(
              bed.callAsUser(user, bed.function("getRouting"), Json.write(data)));
      return new Sample(
          at.toSeconds(),
          answer.get("region").getAsString(),
          RoutingFixtures.region(bed, "EU").getString("status"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

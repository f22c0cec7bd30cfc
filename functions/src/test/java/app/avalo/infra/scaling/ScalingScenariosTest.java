package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The controller over time, through the real functions and Firestore: each fixture in {@code
 * scaling/scenarios/} is a timeline of metric reports, scheduled evaluations and admin actions at
 * clock offsets ({@code m:ss} from {@code start}), with the decision each evaluation must record in
 * {@code scalingEvents}: {@code [action, reason, desiredInstances]}.
 */
class ScalingScenariosTest {
  static Stream<String> scenarios() {
    return Stream.of("spike", "flapping", "missing-metrics", "override-expiry", "cooldown-edges");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(String name) throws Exception {
    JsonObject fixture = load(name);
    String service = fixture.get("service").getAsString();
    Instant start = Instant.parse(fixture.get("start").getAsString());
    try (TestBed bed = TestBed.builder().clock(new MutableClock(start)).build()) {
      run(name, fixture, service, start, bed);
    }
  }

  private static void run(
      String name, JsonObject fixture, String service, Instant start, TestBed bed)
      throws Exception {
    Instant previous = start;
    for (JsonElement e : fixture.getAsJsonArray("steps")) {
      JsonObject step = e.getAsJsonObject();
      Instant t = start.plus(offset(step.get("t").getAsString()));
      assertTrue(!t.isBefore(previous), name + ": steps must move forward in time at " + step);
      previous = t;
      bed.clock.set(t);
      String where = name + " at " + step.get("t").getAsString();
      if (step.has("report")) {
        JsonArray r = step.getAsJsonArray("report");
        ScalingFixtures.report(bed, service, r.get(0).getAsDouble(), r.get(1).getAsLong(), 100);
      } else if (step.has("evaluate")) {
        ScalingFixtures.evaluate(bed);
        DocumentSnapshot event = ScalingFixtures.event(bed, service, t);
        assertTrue(event.exists(), where + ": no decision recorded");
        expect(
            where,
            step.getAsJsonArray("evaluate"),
            event.getString("action"),
            event.getString("reason"),
            event.getLong("desiredInstances").intValue(),
            event.getString("message"));
        assertNotNull(event.get("inputs"), where + ": decision without inputs");
        @SuppressWarnings("unchecked")
        Map<String, Object> actuation = (Map<String, Object>) event.get("actuation");
        if (event.getString("action").startsWith("scale_")) {
          assertEquals(
              "dry-run", actuation.get("status"), where + ": change not handed to the actuator");
        }
      } else if (step.has("manualScale")) {
        JsonObject call = step.getAsJsonObject("manualScale");
        JsonObject data = call.getAsJsonObject("data").deepCopy();
        data.addProperty("service", service);
        FakeExchange.Response r =
            bed.callAsAdmin(new ManualScale(bed.platform, bed.root.scaling()), Json.write(data));
        assertEquals(200, r.status(), where + ": " + r.body());
        JsonObject decision = r.result().getAsJsonObject().getAsJsonObject("decision");
        expect(
            where,
            call.getAsJsonArray("expect"),
            decision.get("action").getAsString(),
            decision.get("reason").getAsString(),
            decision.get("desiredInstances").getAsInt(),
            decision.get("message").getAsString());
      } else {
        throw new IllegalArgumentException(where + ": unknown step " + step);
      }
    }
  }

  private static void expect(
      String where, JsonArray expected, String action, String reason, int desired, String message) {
    String got = action + "/" + reason + "/" + desired + " (" + message + ")";
    assertEquals(expected.get(0).getAsString(), action, where + ": " + got);
    assertEquals(expected.get(1).getAsString(), reason, where + ": " + got);
    assertEquals(expected.get(2).getAsInt(), desired, where + ": " + got);
  }

  static Duration offset(String minutesSeconds) {
    String[] parts = minutesSeconds.split(":");
    return Duration.ofMinutes(Long.parseLong(parts[0])).plusSeconds(Long.parseLong(parts[1]));
  }

  static JsonObject load(String name) throws Exception {
    try (InputStream in =
        ScalingScenariosTest.class.getResourceAsStream("/scaling/scenarios/" + name + ".json")) {
      assertNotNull(in, "fixture " + name + " missing");
      return Json.parseStrict(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }
}

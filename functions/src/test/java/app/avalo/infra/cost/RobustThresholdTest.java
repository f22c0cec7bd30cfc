package app.avalo.infra.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class RobustThresholdTest {
  static final JsonObject FIXTURE = load();

  private static JsonObject load() {
    var in = RobustThresholdTest.class.getResourceAsStream("/cost/populations.json");
    assertNotNull(in, "cost/populations.json fixture missing");
    return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  /** A fixture case's users and their cost in grosze. */
  static Map<String, Long> population(JsonObject c) {
    Map<String, Long> users = new LinkedHashMap<>();
    int g = 0;
    for (JsonElement group : c.getAsJsonArray("groups")) {
      JsonObject o = group.getAsJsonObject();
      long step = o.has("stepMinor") ? o.get("stepMinor").getAsLong() : 0;
      for (int i = 0; i < o.get("count").getAsInt(); i++) {
        users.put("g" + g + "-" + i, o.get("minor").getAsLong() + i * step);
      }
      g++;
    }
    c.getAsJsonObject("users")
        .entrySet()
        .forEach(e -> users.put(e.getKey(), e.getValue().getAsLong()));
    return users;
  }

  static Map<String, String> expected(JsonObject c) {
    Map<String, String> flagged = new TreeMap<>();
    c.getAsJsonObject("flagged")
        .entrySet()
        .forEach(e -> flagged.put(e.getKey(), e.getValue().getAsString()));
    return flagged;
  }

  static RobustThreshold threshold(Map<String, Long> users) {
    JsonObject cfg = FIXTURE.getAsJsonObject("config");
    List<Long> micros = new ArrayList<>();
    users.values().forEach(v -> micros.add(Money.toMicros(v)));
    return RobustThreshold.of(
        micros,
        cfg.get("k").getAsInt(),
        Money.toMicros(cfg.get("floorMinor").getAsLong()),
        Money.toMicros(cfg.get("ceilingMinor").getAsLong()),
        cfg.get("minPopulation").getAsInt());
  }

  @TestFactory
  Stream<DynamicTest> flagsExactlyTheExpectedUsers() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonElement element : FIXTURE.getAsJsonArray("cases")) {
      JsonObject c = element.getAsJsonObject();
      tests.add(
          DynamicTest.dynamicTest(
              c.get("name").getAsString(),
              () -> {
                Map<String, Long> users = population(c);
                RobustThreshold t = threshold(users);
                Map<String, String> flagged = new TreeMap<>();
                users.forEach(
                    (id, minor) -> {
                      String rule = t.rule(Money.toMicros(minor));
                      if (rule != null) {
                        flagged.put(id, rule);
                      }
                    });
                assertEquals(
                    expected(c),
                    flagged,
                    "median "
                        + t.medianMicros()
                        + " mad "
                        + t.madMicros()
                        + " threshold "
                        + t.thresholdMicros());
              }));
    }
    return tests.stream();
  }

  @Test
  void meanAndStandardDeviationWouldMissTheWhalesThatMadCatches() {
    JsonObject whales = null;
    for (JsonElement c : FIXTURE.getAsJsonArray("cases")) {
      if (c.getAsJsonObject().get("name").getAsString().equals("several whales are all flagged")) {
        whales = c.getAsJsonObject();
      }
    }
    assertNotNull(whales);
    Map<String, Long> users = population(whales);
    double mean = users.values().stream().mapToLong(Long::longValue).average().orElseThrow();
    double sd =
        Math.sqrt(
            users.values().stream()
                .mapToDouble(v -> (v - mean) * (v - mean))
                .average()
                .orElseThrow());
    long caughtByMeanSd = users.values().stream().filter(v -> v > mean + 3 * sd).count();
    assertTrue(
        caughtByMeanSd < 5,
        "the whales inflate the standard deviation and hide each other even at 3 sigma: "
            + caughtByMeanSd
            + " of 5 caught");
    RobustThreshold t = threshold(users);
    assertTrue(
        t.thresholdMicros() < Money.toMicros(20_000),
        "robust threshold stays near the crowd: " + t);
  }
}

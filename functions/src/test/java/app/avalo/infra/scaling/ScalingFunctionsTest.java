package app.avalo.infra.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.AuditLog;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.MutableClock;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin functions: validation, burst protection, status and paginated history. */
class ScalingFunctionsTest {
  static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

  @RegisterExtension final TestBed bed = TestBed.builder().clock(new MutableClock(START)).build();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"service":"ai","minInstances":5,"maxInstances":3,"durationMinutes":10}|maxInstances
          {"service":"ai","instances":4,"durationMinutes":0}|durationMinutes
          {"service":"ai","instances":4}|durationMinutes
          {"service":"ai","instances":4,"minInstances":2,"durationMinutes":10}|instances
          {"service":"ai","durationMinutes":10}|instances
          {"service":"ai","instances":-1,"durationMinutes":10}|instances
          {"service":"ai","instances":0,"durationMinutes":10}|instances
          {"service":"ai","instances":1001,"durationMinutes":10}|instances
          {"service":"ai","maxInstances":0,"durationMinutes":10}|maxInstances
          {"service":"chat","instances":4,"durationMinutes":10}|service
          {"service":"all","instances":4,"durationMinutes":10}|service
          """)
  void manualScaleRefusesBadInputNamingTheFieldAndWritesNothing(String data, String field)
      throws Exception {
    long writes = Emulators.firestoreWriteCount();
    FakeExchange.Response r =
        bed.callAsAdmin(new ManualScale(bed.platform, bed.root.scaling()), data);
    assertEquals(400, r.status(), r.body());
    assertEquals(
        field,
        r.json().getAsJsonObject("error").getAsJsonObject("details").get("field").getAsString());
    assertEquals(writes, Emulators.firestoreWriteCount());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"service":"ai","reason":"viral"}|reason
          {"service":"ai"}|reason
          {"service":"ai","reason":"event","durationMinutes":0}|durationMinutes
          {"service":"everything","reason":"event"}|service
          """)
  void enableBurstProtectionRefusesBadInput(String data, String field) throws Exception {
    FakeExchange.Response r =
        bed.callAsAdmin(new EnableBurstProtection(bed.platform, bed.root.scaling()), data);
    assertEquals(400, r.status(), r.body());
    assertEquals(
        field,
        r.json().getAsJsonObject("error").getAsJsonObject("details").get("field").getAsString());
  }

  @Test
  void adminFunctionsAreForAdminsOnly() throws Exception {
    AuthEmulator.User user = AuthEmulator.newUser();
    assertEquals(
        403,
        FakeExchange.post()
            .bearer(user.idToken())
            .data("{}")
            .send(new GetScalingStatus(bed.platform, bed.root.scaling()))
            .status());
    assertEquals(
        401,
        FakeExchange.post()
            .data("{}")
            .send(new GetScalingHistory(bed.platform, bed.root.scaling()))
            .status());
  }

  @Test
  void burstForAllServicesRaisesMaxUntilDisabledAndIsAudited() throws Exception {
    FakeExchange.Response on =
        bed.callAsAdmin(
            new EnableBurstProtection(bed.platform, bed.root.scaling()),
            """
            {"service":"all","reason":"event","durationMinutes":90}\
            """);
    assertEquals(200, on.status(), on.body());
    assertEquals(6, on.result().getAsJsonObject().getAsJsonArray("services").size());

    JsonArray services = status().getAsJsonArray("services");
    for (JsonElement e : services) {
      JsonObject s = e.getAsJsonObject();
      assertTrue(s.getAsJsonObject("burst").get("active").getAsBoolean(), s.toString());
      assertEquals("event", s.getAsJsonObject("burst").get("reason").getAsString());
      assertEquals(1000, s.getAsJsonObject("bounds").get("max").getAsInt());
      assertEquals("burst", s.getAsJsonObject("bounds").get("source").getAsString());
      assertEquals(
          START.plus(Duration.ofMinutes(90)).toString(),
          s.getAsJsonObject("burst").get("expiresAt").getAsString());
    }

    bed.clock.advance(Duration.ofMinutes(5));
    FakeExchange.Response off =
        bed.callAsAdmin(
            new DisableBurstProtection(bed.platform, bed.root.scaling()),
            """
            {"service":"realtime"}\
            """);
    assertEquals(200, off.status(), off.body());
    JsonObject realtime =
        off.result().getAsJsonObject().getAsJsonArray("services").get(0).getAsJsonObject();
    assertTrue(realtime.get("changed").getAsBoolean());
    assertEquals(50, bed.root.scaling().store().state(LogicalService.REALTIME).targetMax());
    assertEquals(1000, bed.root.scaling().store().state(LogicalService.AI).targetMax());
    FakeExchange.Response again =
        bed.callAsAdmin(
            new DisableBurstProtection(bed.platform, bed.root.scaling()),
            """
            {"service":"realtime"}\
            """);
    assertFalse(
        again
            .result()
            .getAsJsonObject()
            .getAsJsonArray("services")
            .get(0)
            .getAsJsonObject()
            .get("changed")
            .getAsBoolean());

    // the expiry ends the others without anyone acting
    bed.clock.advance(Duration.ofMinutes(86));
    JsonObject ai = status("ai").getAsJsonArray("services").get(0).getAsJsonObject();
    assertFalse(ai.getAsJsonObject("burst").get("active").getAsBoolean());
    assertTrue(ai.getAsJsonObject("burst").get("expired").getAsBoolean());
    assertEquals(30, ai.getAsJsonObject("bounds").get("max").getAsInt());

    List<String> actions =
        Firestores.await(bed.db.collection(AuditLog.COLLECTION).get()).getDocuments().stream()
            .map(d -> d.getString("action"))
            .toList();
    assertTrue(actions.contains("enableBurstProtection"), actions.toString());
    assertTrue(actions.contains("disableBurstProtection"), actions.toString());
  }

  @Test
  void statusShowsMetricsDecisionCooldownAndOverride() throws Exception {
    bed.clock.set(START.plusSeconds(30));
    ScalingFixtures.report(bed, "support", 0.9, 3, 40);
    bed.clock.set(START.plusSeconds(60));
    ScalingFixtures.evaluate(bed);
    bed.clock.set(START.plusSeconds(100));
    JsonObject support = status("support").getAsJsonArray("services").get(0).getAsJsonObject();
    assertEquals(3, support.get("currentInstances").getAsInt());
    assertEquals(6, support.get("desiredInstances").getAsInt());
    assertEquals(0.9, support.getAsJsonObject("lastMetrics").get("cpu").getAsDouble(), 1e-9);
    assertEquals(70, support.getAsJsonObject("lastMetrics").get("ageSeconds").getAsLong());
    JsonObject decision = support.getAsJsonObject("lastDecision");
    assertEquals("scale_up", decision.get("action").getAsString());
    assertEquals("cpu_above_threshold", decision.get("reason").getAsString());
    JsonObject cooldown = support.getAsJsonObject("cooldown");
    assertEquals(80, cooldown.get("remainingSeconds").getAsLong()); // support: 120 s from 10:01:00
    assertEquals("further scale-ups and scale-downs", cooldown.get("blocks").getAsString());
    assertEquals("dry-run", support.getAsJsonObject("actuation").get("status").getAsString());
    assertEquals(
        List.of("europe-west10/avalo-support"),
        List.of(support.getAsJsonArray("cloudRunServices").get(0).getAsString()));

    FakeExchange.Response pin =
        bed.callAsAdmin(
            new ManualScale(bed.platform, bed.root.scaling()),
            """
            {"service":"support","instances":9,"durationMinutes":30}\
            """);
    assertEquals(200, pin.status(), pin.body());
    support = status("support").getAsJsonArray("services").get(0).getAsJsonObject();
    assertTrue(support.getAsJsonObject("override").get("active").getAsBoolean());
    assertEquals(9, support.getAsJsonObject("override").get("instances").getAsInt());
    assertEquals(9, support.get("desiredInstances").getAsInt());
    assertEquals("override", support.getAsJsonObject("bounds").get("source").getAsString());
  }

  @Test
  void historyPagesNewestFirstWithoutGapsOrRepeatsAndFilters() throws Exception {
    for (int m = 1; m <= 4; m++) {
      bed.clock.set(START.plus(Duration.ofMinutes(m)));
      ScalingFixtures.evaluate(bed); // 6 decisions per run
    }
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String data =
          cursor == null
              ? """
              {"limit":5}\
              """
              : """
              {"limit":5,"cursor":"%s"}\
              """
                  .formatted(cursor);
      JsonObject page = history(data);
      for (JsonElement e : page.getAsJsonArray("events")) {
        assertTrue(seen.add(e.getAsJsonObject().get("id").getAsString()), "repeated " + e);
        order.add(e.getAsJsonObject().get("at").getAsString());
      }
      cursor =
          page.has("nextCursor") && !page.get("nextCursor").isJsonNull()
              ? page.get("nextCursor").getAsString()
              : null;
      pages++;
    } while (cursor != null);
    assertEquals(24, seen.size());
    assertEquals(5, pages);
    List<String> sorted = new ArrayList<>(order);
    sorted.sort(Comparator.reverseOrder());
    assertEquals(sorted, order);

    JsonObject wallet =
        history(
            """
            {"service":"wallet","from":"2026-03-02T10:02:00Z","to":"2026-03-02T10:04:00Z"}\
            """);
    JsonArray events = wallet.getAsJsonArray("events");
    assertEquals(2, events.size());
    for (JsonElement e : events) {
      assertEquals("wallet", e.getAsJsonObject().get("service").getAsString());
      assertTrue(e.getAsJsonObject().has("inputs"));
    }
    assertFalse(wallet.has("nextCursor") && !wallet.get("nextCursor").isJsonNull());

    String firstCursor =
        history(
                """
                {"service":"wallet","limit":1}\
                """)
            .get("nextCursor")
            .getAsString();
    assertEquals(
        1,
        history(
                """
                {"service":"wallet","limit":1,"cursor":"%s"}\
                """
                    .formatted(firstCursor))
            .getAsJsonArray("events")
            .size());
    FakeExchange.Response other =
        bed.callAsAdmin(
            new GetScalingHistory(bed.platform, bed.root.scaling()),
            """
            {"service":"ai","cursor":"%s"}\
            """
                .formatted(firstCursor));
    assertEquals(400, other.status());
    assertTrue(other.errorMessage().startsWith("cursor:"), other.body());
    FakeExchange.Response garbage =
        bed.callAsAdmin(
            new GetScalingHistory(bed.platform, bed.root.scaling()),
            """
            {"cursor":"not-a-cursor"}\
            """);
    assertEquals(400, garbage.status());
    FakeExchange.Response backwards =
        bed.callAsAdmin(
            new GetScalingHistory(bed.platform, bed.root.scaling()),
            """
            {"from":"2026-03-02T10:04:00Z","to":"2026-03-02T10:02:00Z"}\
            """);
    assertEquals(400, backwards.status());
  }

  @Test
  void dashboardSectionSummarisesEveryService() throws Exception {
    bed.callAsAdmin(
        new EnableBurstProtection(bed.platform, bed.root.scaling()),
        """
        {"service":"media","reason":"celebrity"}\
        """);
    Object snapshot = bed.root.scaling().dashboardSection().snapshot();
    JsonObject json = app.avalo.infra.platform.Json.toTree(snapshot).getAsJsonObject();
    assertEquals(6, json.getAsJsonArray("services").size());
    assertEquals(1, json.get("burstsActive").getAsInt());
    assertEquals("dry-run", json.get("actuator").getAsString());
    JsonObject media = json.getAsJsonArray("services").get(3).getAsJsonObject();
    assertEquals("media", media.get("service").getAsString());
    assertNull(media.getAsJsonObject("burst").get("expiresAt"));
  }

  private JsonObject status() throws Exception {
    FakeExchange.Response r =
        bed.callAsAdmin(new GetScalingStatus(bed.platform, bed.root.scaling()), "{}");
    assertEquals(200, r.status(), r.body());
    return r.result().getAsJsonObject();
  }

  private JsonObject status(String service) throws Exception {
    FakeExchange.Response r =
        bed.callAsAdmin(
            new GetScalingStatus(bed.platform, bed.root.scaling()),
            """
            {"service":"%s"}\
            """
                .formatted(service));
    assertEquals(200, r.status(), r.body());
    return r.result().getAsJsonObject();
  }

  private JsonObject history(String data) throws Exception {
    FakeExchange.Response r =
        bed.callAsAdmin(new GetScalingHistory(bed.platform, bed.root.scaling()), data);
    assertEquals(200, r.status(), r.body());
    return r.result().getAsJsonObject();
  }
}

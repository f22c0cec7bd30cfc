package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static app.avalo.infra.monitoring.MonitoringFixtures.runHealthCheck;
import static app.avalo.infra.monitoring.MonitoringFixtures.sendLatency;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts.Severity;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.routing.RegionDefinition;
import app.avalo.infra.scaling.LogicalService;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DashboardDataTest {
  @RegisterExtension
  final TestBed bed =
      MonitoringFixtures.bed("2026-03-02T10:00:10Z")
          .env(Map.of("MONITORING_WINDOW_MINUTES", "1"))
          .build();

  @Test
  void monitoringSectionShowsHealthAndOpenAlertsAndEveryRegisteredSectionIsPresent()
      throws Exception {
    sendLatency(bed, new TrackPanicButton(bed.platform, monitoring(bed)), 40, 250, true);
    bed.platform
        .alerts()
        .raise("cost", "budget:ai:90", Severity.WARNING, "AI budget at 90 %", Map.of());
    bed.clock.advance(Duration.ofMinutes(1));
    runHealthCheck(bed);

    JsonObject dashboard =
        bed.callAsAdminOk(new GetDashboardData(bed.platform, bed.root.dashboardSections()), "{}")
            .getAsJsonObject();
    JsonObject sections = dashboard.getAsJsonObject("sections");
    JsonObject monitoring = sections.getAsJsonObject("monitoring");
    assertTrue(monitoring.get("available").getAsBoolean(), monitoring.toString());
    JsonObject data = monitoring.getAsJsonObject("data");
    assertEquals("critical", data.getAsJsonObject("health").get("overall").getAsString());
    JsonObject alerts = data.getAsJsonObject("openAlerts");
    assertEquals(2, alerts.get("shown").getAsInt());
    assertEquals(
        "panic-button:latency",
        alerts.getAsJsonArray("items").get(0).getAsJsonObject().get("key").getAsString());
    for (DashboardSection.Named registered : bed.root.dashboardSections()) {
      JsonObject section = sections.getAsJsonObject(registered.name());
      assertTrue(
          section != null && section.has("available"),
          registered.name() + " missing from " + sections);
    }
  }

  private ApiFunction function(String name) {
    return bed.function(name);
  }

  private static JsonObject data(JsonObject sections, String name) {
    JsonObject section = sections.getAsJsonObject(name);
    assertTrue(section != null && section.get("available").getAsBoolean(), name + ": " + section);
    return section.getAsJsonObject("data");
  }

  private static JsonObject byKey(JsonArray items, String key, String value) {
    for (var item : items) {
      if (item.getAsJsonObject().get(key).getAsString().equals(value)) {
        return item.getAsJsonObject();
      }
    }
    throw new AssertionError("no " + key + "=" + value + " in " + items);
  }

  @Test
  void everySectionShowsWhatItsDomainRecorded() throws Exception {
    bed.callAsAdminOk(function("initializeRegions"), "{}");
    bed.callAsAdminOk(
        function("enableBurstProtection"),
        """
        {"service": "support", "reason": "event", "durationMinutes": 30}\
        """);
    bed.root.cost().seedDefaults();
    bed.callPrivateOk(
        function("trackAiCost"),
        """
        {"userId": "dashboard-user", "model": "gpt-4o", "inputTokens": 1000, "outputTokens": 500,
         "costMinor": 12345, "eventId": "dashboard-1"}\
        """);

    JsonObject sections =
        bed.callAsAdminOk(new GetDashboardData(bed.platform, bed.root.dashboardSections()), "{}")
            .getAsJsonObject()
            .getAsJsonObject("sections");
    assertEquals(
        bed.root.dashboardSections().stream().map(DashboardSection.Named::name).toList(),
        List.copyOf(sections.keySet()),
        "one section per domain, in display order");

    JsonObject regions = data(sections, "routing");
    JsonArray regionList = regions.getAsJsonArray("regions");
    assertEquals(RegionDefinition.ids().size(), regionList.size(), regions.toString());
    for (String id : RegionDefinition.ids()) {
      JsonObject region = byKey(regionList, "id", id);
      assertFalse(region.get("status").getAsString().isBlank(), region.toString());
    }
    assertEquals(0, regions.getAsJsonArray("runningFailovers").size());

    JsonObject scaling = data(sections, "scaling");
    assertEquals(1, scaling.get("burstsActive").getAsInt(), scaling.toString());
    JsonArray services = scaling.getAsJsonArray("services");
    assertEquals(LogicalService.values().length, services.size());
    JsonObject support = byKey(services, "service", "support");
    assertTrue(support.getAsJsonObject("burst").get("active").getAsBoolean(), support.toString());
    JsonObject functions = byKey(services, "service", "functions");
    assertFalse(functions.getAsJsonObject("burst").get("active").getAsBoolean());
    assertTrue(
        functions.getAsJsonObject("bounds").get("max").getAsInt()
            >= functions.getAsJsonObject("bounds").get("min").getAsInt(),
        functions.toString());

    JsonObject budgets = data(sections, "cost");
    assertEquals("2026-03", budgets.get("period").getAsString());
    assertEquals(12345, budgets.get("totalSpentMinor").getAsLong(), budgets.toString());
    JsonObject ai = byKey(budgets.getAsJsonArray("services"), "service", "ai");
    assertEquals(12345, ai.get("spentMinor").getAsLong());
    assertTrue(ai.get("budgetMinor").getAsLong() > 12345, "the seeded AI budget: " + ai);
    assertEquals("ok", ai.get("state").getAsString(), ai.toString());

    JsonObject cdn = data(sections, "cdn");
    assertEquals(
        "no metrics yet", cdn.get("status").getAsString(), "no updateCdnMetrics run yet: " + cdn);

    JsonObject backups = data(sections, "recovery");
    JsonArray tiers = backups.getAsJsonArray("tiers");
    assertEquals(
        List.of("hourly", "daily", "cold"),
        tiers.asList().stream().map(t -> t.getAsJsonObject().get("tier").getAsString()).toList());
    JsonObject hourly = byKey(tiers, "tier", "hourly");
    assertEquals(48, hourly.get("keep").getAsInt());
    assertEquals("STANDARD", hourly.get("storageClass").getAsString());
    assertFalse(hourly.get("fresh").getAsBoolean(), "no backup yet, so not fresh: " + hourly);
    assertEquals("unknown", backups.getAsJsonObject("health").get("status").getAsString());
    assertEquals(0, backups.getAsJsonArray("recentRecoveries").size());
  }

  @Test
  void aFailingSectionIsShownUnavailableAndTheRestStillAnswer() throws Exception {
    DashboardSection broken =
        () -> {
          throw new IllegalStateException("secret internal detail");
        };
    DashboardSection empty =
        () -> {
          throw ApiException.failedPrecondition("no budgets configured yet");
        };
    GetDashboardData function =
        new GetDashboardData(
            bed.platform,
            List.of(
                new DashboardSection.Named("monitoring", () -> monitoring(bed).dashboardSection()),
                new DashboardSection.Named("routing", () -> broken),
                new DashboardSection.Named("cost", () -> empty)));
    JsonObject sections =
        bed.callAsAdminOk(function, "{}").getAsJsonObject().getAsJsonObject("sections");
    assertTrue(sections.getAsJsonObject("monitoring").get("available").getAsBoolean());
    assertEquals(
        "no-data",
        sections
            .getAsJsonObject("monitoring")
            .getAsJsonObject("data")
            .getAsJsonObject("health")
            .get("overall")
            .getAsString());
    JsonObject regions = sections.getAsJsonObject("routing");
    assertFalse(regions.get("available").getAsBoolean());
    assertFalse(regions.toString().contains("secret"), "internal detail stays in the log");
    assertEquals(
        "no budgets configured yet", sections.getAsJsonObject("cost").get("reason").getAsString());
  }
}

package app.avalo.infra.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts.Severity;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.DashboardSection;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardDataTest {
  private final MonitoringHarness h = new MonitoringHarness("2026-03-02T10:00:10Z", Map.of("MONITORING_WINDOW_MINUTES", "1"));

  @Test
  void monitoringSectionShowsHealthAndOpenAlertsAndEveryRegisteredSectionIsPresent() throws Exception {
    h.sendLatency(new TrackPanicButton(h.supplier()), 40, 250, true);
    h.app.alerts().raise("cost", "budget:ai:90", Severity.WARNING, "AI budget at 90 %", Map.of());
    h.clock.advance(Duration.ofMinutes(1));
    h.runHealthCheck();

    JsonObject dashboard = h.callAdminOk(new GetDashboardData(h.supplier()), "{}").getAsJsonObject();
    JsonObject sections = dashboard.getAsJsonObject("sections");
    JsonObject monitoring = sections.getAsJsonObject("monitoring");
    assertTrue(monitoring.get("available").getAsBoolean(), monitoring.toString());
    JsonObject data = monitoring.getAsJsonObject("data");
    assertEquals("critical", data.getAsJsonObject("health").get("overall").getAsString());
    JsonObject alerts = data.getAsJsonObject("openAlerts");
    assertEquals(2, alerts.get("shown").getAsInt());
    assertEquals("panic-button:latency", alerts.getAsJsonArray("items").get(0).getAsJsonObject().get("key").getAsString());
    for (DashboardSection registered : DashboardSections.all()) {
      JsonObject section = sections.getAsJsonObject(registered.name());
      assertTrue(section != null && section.has("available"), registered.name() + " missing from " + sections);
    }
  }

  @Test
  void aFailingSectionIsShownUnavailableAndTheRestStillAnswer() throws Exception {
    DashboardSection broken = new DashboardSection() {
      @Override
      public String name() {
        return "regions";
      }

      @Override
      public Object snapshot(App app) {
        throw new IllegalStateException("secret internal detail");
      }
    };
    DashboardSection empty = new DashboardSection() {
      @Override
      public String name() {
        return "budgets";
      }

      @Override
      public Object snapshot(App app) {
        throw ApiException.failedPrecondition("no budgets configured yet");
      }
    };
    GetDashboardData function = new GetDashboardData(h.supplier(),
        List.of(new MonitoringDashboardSection(), broken, empty));
    JsonObject sections = h.callAdminOk(function, "{}").getAsJsonObject().getAsJsonObject("sections");
    assertTrue(sections.getAsJsonObject("monitoring").get("available").getAsBoolean());
    assertEquals("no-data", sections.getAsJsonObject("monitoring").getAsJsonObject("data")
        .getAsJsonObject("health").get("overall").getAsString());
    JsonObject regions = sections.getAsJsonObject("regions");
    assertFalse(regions.get("available").getAsBoolean());
    assertFalse(regions.toString().contains("secret"), "internal detail stays in the log");
    assertEquals("no budgets configured yet", sections.getAsJsonObject("budgets").get("reason").getAsString());
  }
}

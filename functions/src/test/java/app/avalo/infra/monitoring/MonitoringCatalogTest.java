package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.avalo.infra.platform.Access;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Catalog;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every monitoring function is catalogued as SPEC §5.6 says and refuses malformed input without
 * writing.
 */
class MonitoringCatalogTest {
  @RegisterExtension final TestBed bed = MonitoringFixtures.bed("2026-03-02T10:00:00Z").build();

  private record Fn(
      String name,
      Access access,
      String schedule,
      boolean audited,
      BiFunction<Platform, MonitoringModule, ApiFunction> create) {}

  private final List<Fn> functions =
      List.of(
          new Fn("trackChatDelivery", Access.PRIVATE, null, false, TrackChatDelivery::new),
          new Fn(
              "trackWalletTransaction", Access.PRIVATE, null, false, TrackWalletTransaction::new),
          new Fn("trackEventCheckout", Access.PRIVATE, null, false, TrackEventCheckout::new),
          new Fn("trackAiResponse", Access.PRIVATE, null, false, TrackAiResponse::new),
          new Fn("trackVideoCallQuality", Access.PRIVATE, null, false, TrackVideoCallQuality::new),
          new Fn("trackPanicButton", Access.PRIVATE, null, false, TrackPanicButton::new),
          new Fn("runHealthCheck", Access.PRIVATE, "* * * * *", false, RunHealthCheck::new),
          new Fn("cleanupOldMetrics", Access.PRIVATE, "30 3 * * *", false, CleanupOldMetrics::new),
          new Fn("getSystemHealth", Access.ADMIN, null, false, GetSystemHealth::new),
          new Fn("getMetricsHistory", Access.ADMIN, null, false, GetMetricsHistory::new),
          new Fn("getActiveAlerts", Access.ADMIN, null, false, GetActiveAlerts::new),
          new Fn("resolveAlert", Access.ADMIN, null, true, (p, m) -> new ResolveAlert(p)),
          new Fn(
              "getDashboardData",
              Access.ADMIN,
              null,
              false,
              (p, m) -> new GetDashboardData(p, List.of())));

  @Test
  void catalogListsEveryFunctionWithItsAccessScheduleAndAudit() {
    Catalog catalog = Catalog.bundled();
    for (Fn fn : functions) {
      Catalog.Entry entry =
          catalog
              .byName(fn.name())
              .orElseThrow(() -> new AssertionError(fn.name() + " not catalogued"));
      assertEquals(
          fn.create().apply(bed.platform, monitoring(bed)).getClass().getName(),
          entry.entryPoint(),
          fn.name());
      assertEquals(fn.access(), entry.access(), fn.name());
      assertEquals(fn.schedule(), entry.schedule(), fn.name());
      assertEquals(fn.audited(), entry.audited(), fn.name());
    }
  }

  @Test
  void unknownFieldsAndWrongShapesAreRefusedWithoutWrites() throws Exception {
    long before = Emulators.firestoreWriteCount();
    for (Fn fn : functions) {
      for (String data : List.of("{\"__bogus\": 1}", "\"x\"", "[1]")) {
        FakeExchange.Response r =
            fn.access() == Access.PRIVATE
                ? bed.callPrivate(fn.create().apply(bed.platform, monitoring(bed)), data)
                : bed.callAsAdmin(fn.create().apply(bed.platform, monitoring(bed)), data);
        assertEquals(400, r.status(), fn.name() + " " + data + " → " + r.body());
        assertEquals("INVALID_ARGUMENT", r.errorStatus(), fn.name());
      }
    }
    assertEquals(before, Emulators.firestoreWriteCount());
  }
}

package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.callPrivate;
import static app.avalo.infra.cost.CostFixtures.cost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ScheduledJob;
import app.avalo.infra.testing.TestBed;
import com.google.gson.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Costs land where they belong: in the month of their own time, on the budget of what they carried,
 * at the price of the region they were served in.
 */
class CostCorrectnessTest {
  private static final long GIB = 1L << 30;

  @RegisterExtension final TestBed bed = CostFixtures.bed("2026-12-01T00:00:40Z").build();

  private long spentMinor(String period, CostService service) {
    return Money.toMinor(
        cost(bed).ledgerStore().spentMicros(BillingPeriod.parse("period", period), service));
  }

  @Test
  void anEventIsBookedAtItsOwnTimeNotItsArrival() throws Exception {
    JsonObject late =
        callPrivate(
            bed,
            TrackBandwidthCost::new,
            "{\"service\":\"webrtc\",\"bytes\":"
                + GIB
                + ",\"region\":\"EU\",\"at\":\"2026-11-30T23:59:30Z\",\"eventId\":\"call-77\"}");
    assertEquals("2026-11", late.get("period").getAsString());
    assertEquals(48, spentMinor("2026-11", CostService.WEBRTC));
    assertEquals(0, spentMinor("2026-12", CostService.WEBRTC));
    JsonObject ai =
        callPrivate(
            bed,
            TrackAiCost::new,
            "{\"userId\":\"u1\",\"model\":\"gpt-4o\",\"inputTokens\":0,\"outputTokens\":0,"
                + "\"costMinor\":500,\"at\":\"2026-11-30T23:00:00Z\"}");
    assertEquals("2026-11", ai.get("period").getAsString());
    assertEquals(500, spentMinor("2026-11", CostService.AI));
  }

  @Test
  void anEventTimeInTheFutureOrBeyondRetentionIsRefused() throws Exception {
    for (String at : new String[] {"2026-12-01T00:10:00Z", "2026-10-01T00:00:00Z"}) {
      JsonObject refused =
          callPrivate(
              bed,
              TrackBandwidthCost::new,
              "{\"service\":\"video\",\"bytes\":1,\"region\":\"EU\",\"at\":\"" + at + "\"}",
              400);
      assertTrue(
          refused.getAsJsonObject("error").get("message").getAsString().startsWith("at:"),
          refused.toString());
    }
    assertEquals(0, spentMinor("2026-11", CostService.VIDEO));
    assertEquals(0, spentMinor("2026-12", CostService.VIDEO));
  }

  @Test
  void egressIsPricedByAvaloRegionSoTokyoPaysTheAsiaRate() {
    CostLedger ledger = cost(bed).ledger();
    assertEquals(
        32, ledger.recordBandwidth(CostService.CDN, GIB, "europe-west10", null).costMinor());
    assertEquals(32, ledger.recordBandwidth(CostService.CDN, GIB, "us-west1", null).costMinor());
    assertEquals(
        36, ledger.recordBandwidth(CostService.CDN, GIB, "asia-northeast1", null).costMinor());
    assertEquals(36, ledger.recordBandwidth(CostService.CDN, GIB, "ASIA", null).costMinor());
    assertEquals(44, ledger.recordBandwidth(CostService.CDN, GIB, "SA", null).costMinor());
    assertEquals(44, ledger.recordBandwidth(CostService.CDN, GIB, "AU", null).costMinor());
    assertEquals(
        76,
        ledger.recordBandwidth(CostService.WEBRTC, GIB, "australia-southeast1", null).costMinor());
    assertEquals(
        36 * 2,
        cost(bed)
                .ledgerStore()
                .periodTotals(BillingPeriod.parse("p", "2026-12"), CostService.CDN)
                .get("region_ASIA")
            / Money.MICROS_PER_MINOR);
  }

  @Test
  void measuredCdnVideoEgressReachesTheVideoBudgetInTheHourItWasServed() throws Exception {
    var egress = bed.root.cdn().egressRecorder();
    egress.record(Instant.parse("2026-11-30T23:10:00Z"), "video", "EU", 2 * GIB, 100, 60);
    egress.record(Instant.parse("2026-11-30T23:20:00Z"), "image", "ASIA", GIB, 100, 90);
    egress.record(Instant.parse("2026-11-30T23:40:00Z"), "video", "SA", GIB, 10, 5);
    ScheduledJob monitor = (ScheduledJob) bed.function("monitorBandwidth");
    assertEquals(200, bed.runJob(monitor, Instant.parse("2026-12-01T00:00:00Z")).status());
    assertEquals(2 * 32 + 44, spentMinor("2026-11", CostService.VIDEO), "EU + SA video");
    assertEquals(36, spentMinor("2026-11", CostService.CDN), "images from Tokyo");
    assertEquals(0, spentMinor("2026-12", CostService.VIDEO));
    // A re-run of the hour books nothing twice.
    assertEquals(200, bed.runJob(monitor, Instant.parse("2026-12-01T00:00:01Z")).status());
    assertEquals(2 * 32 + 44, spentMinor("2026-11", CostService.VIDEO));
  }
}

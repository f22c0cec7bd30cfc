package app.avalo.infra.routing;

import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code regionVantages/{vantage}} document: one vantage's report, written whole (a map per
 * region, no dotted field paths). The only place that knows its field names. Read leniently like
 * {@link RegionCodec}: an unknown status reads as unhealthy, a malformed region entry is skipped.
 */
final class VantageCodec {
  private VantageCodec() {}

  static Map<String, Object> toDoc(VantageReport report) {
    Map<String, Object> regions = new LinkedHashMap<>();
    report
        .regions()
        .forEach(
            (id, seen) ->
                regions.put(
                    id,
                    DocWriter.create()
                        .fieldOrNull("status", seen.state().status())
                        .fieldOrNull(
                            "consecutiveFailures", (long) seen.state().consecutiveFailures())
                        .fieldOrNull(
                            "consecutiveSuccesses", (long) seen.state().consecutiveSuccesses())
                        .fieldOrNull("recentChecks", RegionCodec.checks(seen.state().recent()))
                        .fieldOrNull("reason", seen.reason())
                        .map()));
    return DocWriter.create()
        .fieldOrNull("vantage", report.vantage())
        .fieldOrNull("at", report.at())
        .fieldOrNull("reachedAny", report.reachedAny())
        .fieldOrNull("regions", regions)
        .map();
  }

  static VantageReport fromDoc(DocumentSnapshot doc) {
    Map<String, VantageReport.Observation> regions = new LinkedHashMap<>();
    if (doc.get("regions") instanceof Map<?, ?> all) {
      all.forEach(
          (id, raw) -> {
            if (id instanceof String regionId && raw instanceof Map<?, ?> m) {
              RegionStatus status =
                  m.get("status") instanceof String s
                      ? RegionStatus.fromWire(s)
                      : RegionStatus.UNHEALTHY;
              if (status == RegionStatus.DRAINING) {
                status = RegionStatus.UNHEALTHY;
              }
              HealthState state =
                  new HealthState(
                      status,
                      m.get("consecutiveFailures") instanceof Number n ? n.intValue() : 0,
                      m.get("consecutiveSuccesses") instanceof Number n ? n.intValue() : 0,
                      RegionCodec.checksFrom(m.get("recentChecks")));
              regions.put(
                  regionId,
                  new VantageReport.Observation(
                      state, m.get("reason") instanceof String r ? r : null));
            }
          });
    }
    return new VantageReport(
        doc.getId(),
        RegionCodec.instant(doc.get("at")),
        !Boolean.FALSE.equals(doc.getBoolean("reachedAny")),
        regions);
  }
}

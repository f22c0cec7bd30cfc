package app.avalo.infra.routing;

import app.avalo.infra.platform.DocWriter;
import java.util.List;
import java.util.Map;

/**
 * What one {@code runHealthChecks} run did, stored on its job record and returned to Cloud
 * Scheduler. A run that found no regions has only {@code rounds} (0) and {@code note}.
 *
 * @param vantage the region the run probed from
 * @param writes Firestore writes to regions, events and alerts (transitions count two: the region
 *     and its event)
 * @param vantageWrites writes of the vantage's own report
 */
record HealthRunSummary(
    int rounds,
    String note,
    String vantage,
    Integer probes,
    Integer failedProbes,
    List<Transition> transitions,
    Map<String, String> statuses,
    Integer writes,
    Integer vantageWrites,
    Boolean stoppedForDeadline,
    Integer alertFailures) {

  /** One status change, {@code at} as an RFC 3339 string. */
  record Transition(String region, String from, String to, String at, String reason) {}

  static HealthRunSummary noRegions() {
    return new HealthRunSummary(
        0,
        "no regions; run initializeRegions",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The job record's {@code summary} map (absent parts left out). */
  Map<String, Object> toDoc() {
    return DocWriter.create()
        .field("rounds", rounds)
        .field("note", note)
        .field("vantage", vantage)
        .field("probes", probes)
        .field("failedProbes", failedProbes)
        .field(
            "transitions",
            transitions == null
                ? null
                : transitions.stream()
                    .map(
                        t ->
                            DocWriter.create()
                                .field("region", t.region())
                                .field("from", t.from())
                                .field("to", t.to())
                                .field("at", t.at())
                                .field("reason", t.reason()))
                    .toList())
        .field("statuses", statuses)
        .field("writes", writes)
        .field("vantageWrites", vantageWrites)
        .field("stoppedForDeadline", stoppedForDeadline)
        .field("alertFailures", alertFailures)
        .map();
  }
}

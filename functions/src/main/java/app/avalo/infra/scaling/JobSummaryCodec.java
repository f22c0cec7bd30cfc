package app.avalo.infra.scaling;

import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.scaling.ScheduledScaling.EvaluationLine;
import app.avalo.infra.scaling.ScheduledScaling.EvaluationRun;
import app.avalo.infra.scaling.ScheduledScaling.ViralLine;
import app.avalo.infra.scaling.ScheduledScaling.ViralRun;
import java.util.List;
import java.util.Map;

/**
 * The {@code summary} the scaling jobs leave on their {@code jobRuns} record (and answer): the run
 * records as Firestore maps, absent figures as explicit nulls where the line always has the field.
 */
final class JobSummaryCodec {
  private JobSummaryCodec() {}

  static Map<String, Object> evaluation(EvaluationRun run) {
    return DocWriter.create()
        .field("seededRules", run.seededRules())
        .field("changed", run.changed())
        .field("decisions", decisions(run.decisions()))
        .map();
  }

  static List<Map<String, Object>> decisions(List<EvaluationLine> lines) {
    return lines.stream()
        .map(
            d ->
                DocWriter.create()
                    .fieldOrNull("service", d.service())
                    .fieldOrNull("commit", d.commit())
                    .fieldOrNull("action", d.action())
                    .fieldOrNull("reason", d.reason())
                    .field("desired", d.desired())
                    .fieldOrNull("actuation", d.actuation())
                    .map())
        .toList();
  }

  static Map<String, Object> viral(ViralRun run) {
    return DocWriter.create()
        .field("burstsOn", run.burstsOn())
        .field("burstsOff", run.burstsOff())
        .field("services", run.services().stream().map(JobSummaryCodec::line).toList())
        .map();
  }

  private static Map<String, Object> line(ViralLine l) {
    DocWriter w =
        DocWriter.create()
            .fieldOrNull("service", l.service())
            .fieldOrNull("action", l.action())
            .fieldOrNull("note", l.note())
            .fieldOrNull("baselineRps", l.baselineRps())
            .fieldOrNull("baselineSource", l.baselineSource())
            .fieldOrNull("sustainedRps", l.sustainedRps())
            .fieldOrNull("peakRps", l.peakRps());
    if (l.decision() != null) {
      w.field(
          "decision",
          DocWriter.create()
              .field("action", l.decision().action())
              .field("reason", l.decision().reason())
              .field("desired", l.decision().desired()));
    }
    return w.map();
  }
}

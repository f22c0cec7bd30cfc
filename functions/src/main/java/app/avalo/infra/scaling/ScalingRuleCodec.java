package app.avalo.infra.scaling;

import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code scalingRules/{service}}: edited by operators in the console, so a read collects every
 * problem (wrong types, values out of range) instead of failing, and an unusable rule reads as the
 * default with its problems.
 */
final class ScalingRuleCodec {
  private ScalingRuleCodec() {}

  static RuleRead read(LogicalService service, DocumentSnapshot doc, int stabilizationSeconds) {
    ScalingRule defaults = service.defaultRule(stabilizationSeconds);
    if (!doc.exists()) {
      return new RuleRead(defaults, false, List.of());
    }
    List<String> problems = new ArrayList<>();
    int min = intField(doc, "minInstances", problems);
    int max = intField(doc, "maxInstances", problems);
    double up = doubleField(doc, "scaleUpCpu", problems);
    double down = doubleField(doc, "scaleDownCpu", problems);
    Double target = doc.get("targetCpu") == null ? null : doubleField(doc, "targetCpu", problems);
    int cooldown = intField(doc, "cooldownSeconds", problems);
    int stabilization =
        doc.get("stabilizationSeconds") == null
            ? stabilizationSeconds
            : intField(doc, "stabilizationSeconds", problems);
    ScalingRule rule =
        new ScalingRule(service.id(), min, max, up, down, target, cooldown, stabilization);
    if (problems.isEmpty()) {
      problems.addAll(rule.problems());
    }
    return new RuleRead(problems.isEmpty() ? rule : defaults, true, List.copyOf(problems));
  }

  /** The document a default rule is seeded with ({@code targetCpu} only when the rule sets it). */
  static Map<String, Object> seed(ScalingRule rule, Instant seededAt) {
    return DocWriter.create()
        .field("service", rule.service())
        .field("minInstances", rule.minInstances())
        .field("maxInstances", rule.maxInstances())
        .field("scaleUpCpu", rule.scaleUpCpu())
        .field("scaleDownCpu", rule.scaleDownCpu())
        .field("targetCpu", rule.explicitTargetCpu())
        .field("cooldownSeconds", rule.cooldownSeconds())
        .field("stabilizationSeconds", rule.stabilizationSeconds())
        .field("seededAt", seededAt)
        .map();
  }

  private static int intField(DocumentSnapshot doc, String field, List<String> problems) {
    Object v = doc.get(field);
    if (v instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) < 1e9) {
      return n.intValue();
    }
    problems.add(field + " must be a whole number");
    return 0;
  }

  private static double doubleField(DocumentSnapshot doc, String field, List<String> problems) {
    Object v = doc.get(field);
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    problems.add(field + " must be a number");
    return 0;
  }
}

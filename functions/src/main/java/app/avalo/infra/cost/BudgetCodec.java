package app.avalo.infra.cost;

import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The budget documents: {@code costBudgets/{service}} (a {@link BudgetPolicy}) and {@code
 * costBudgetStates/{period}~{service}} ({@code service, period, openedAt} and one {@code <level>At}
 * timestamp per threshold, null until reached).
 */
final class BudgetCodec {
  private BudgetCodec() {}

  static Map<String, Object> toPolicy(BudgetPolicy policy) {
    return DocWriter.create()
        .field("service", policy.service().wire())
        .field("monthlyBudgetMinor", policy.monthlyBudgetMinor())
        .field("mode", policy.mode().wire())
        .field("alertPercent", (long) policy.alertPercent())
        .field("throttlePercent", (long) policy.throttlePercent())
        .field("criticalPercent", (long) policy.criticalPercent())
        .map();
  }

  static BudgetPolicy fromPolicy(CostService service, Map<String, Object> doc) {
    Object mode = doc.get("mode");
    BudgetPolicy.Mode parsed = null;
    for (BudgetPolicy.Mode m : BudgetPolicy.Mode.values()) {
      if (m.wire().equals(mode)) {
        parsed = m;
      }
    }
    if (parsed == null) {
      throw new IllegalStateException(
          "costBudgets/" + service.wire() + ": mode must be auto-throttle or critical");
    }
    return new BudgetPolicy(
        service,
        number(service, doc, "monthlyBudgetMinor"),
        parsed,
        (int) number(service, doc, "alertPercent"),
        (int) number(service, doc, "throttlePercent"),
        (int) number(service, doc, "criticalPercent"));
  }

  private static long number(CostService service, Map<String, Object> doc, String field) {
    if (!(doc.get(field) instanceof Long n)) {
      throw new IllegalStateException(
          "costBudgets/" + service.wire() + ": " + field + " must be an integer");
    }
    return n;
  }

  /** A period's first state document: every level present, the newly reached ones set. */
  static Map<String, Object> newState(
      BillingPeriod period, CostService service, Set<BudgetPolicy.Level> reached, Instant now) {
    DocWriter doc =
        DocWriter.create()
            .field("service", service.wire())
            .field("period", period.id())
            .field("openedAt", now);
    for (BudgetPolicy.Level level : BudgetPolicy.Level.values()) {
      doc.fieldOrNull(field(level), reached.contains(level) ? now : null);
    }
    return doc.map();
  }

  /** The update that records {@code reached} at {@code now}. */
  static Map<String, Object> reached(Set<BudgetPolicy.Level> reached, Instant now) {
    DocWriter update = DocWriter.create();
    reached.forEach(level -> update.field(field(level), now));
    return update.map();
  }

  /** The levels recorded in a state document (none when it does not exist). */
  static Set<BudgetPolicy.Level> levels(DocumentSnapshot snap) {
    Set<BudgetPolicy.Level> levels = EnumSet.noneOf(BudgetPolicy.Level.class);
    if (snap.exists()) {
      for (BudgetPolicy.Level level : BudgetPolicy.Level.values()) {
        if (snap.get(field(level)) != null) {
          levels.add(level);
        }
      }
    }
    return levels;
  }

  /** When each level was first reached (absent levels were not reached). */
  static Map<BudgetPolicy.Level, Instant> levelTimes(DocumentSnapshot snap) {
    Map<BudgetPolicy.Level, Instant> times = new EnumMap<>(BudgetPolicy.Level.class);
    if (snap.exists()) {
      for (BudgetPolicy.Level level : BudgetPolicy.Level.values()) {
        Instant at = Firestores.instant(snap.getTimestamp(field(level)));
        if (at != null) {
          times.put(level, at);
        }
      }
    }
    return times;
  }

  private static String field(BudgetPolicy.Level level) {
    return level.label() + "At";
  }
}

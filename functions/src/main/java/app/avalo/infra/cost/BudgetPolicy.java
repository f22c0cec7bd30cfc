package app.avalo.infra.cost;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One service's monthly budget and how it reacts to spend ({@code costBudgets/{service}}):
 * auto-throttle services alert at {@code alertPercent} and throttle at {@code throttlePercent};
 * critical services are never throttled, they alert at {@code alertPercent} and raise a critical
 * alert at {@code criticalPercent}.
 */
public record BudgetPolicy(
    CostService service,
    long monthlyBudgetMinor,
    Mode mode,
    int alertPercent,
    int throttlePercent,
    int criticalPercent) {

  public enum Mode {
    AUTO_THROTTLE,
    CRITICAL;

    public String wire() {
      return app.avalo.infra.platform.Fields.wireName(this);
    }
  }

  /** The thresholds a budget can cross, each recorded once per period. */
  public enum Level {
    ALERT,
    THROTTLE,
    CRITICAL;

    /** How alert keys, status views and the budget state document name it. */
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What getBudgetStatus shows. */
  public enum State {
    OK,
    WARNING,
    THROTTLED,
    CRITICAL;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public BudgetPolicy {
    if (monthlyBudgetMinor <= 0) {
      throw new IllegalStateException(service.wire() + ": monthlyBudgetMinor must be positive");
    }
    for (int p : new int[] {alertPercent, throttlePercent, criticalPercent}) {
      if (p < 1 || p > 1000) {
        throw new IllegalStateException(service.wire() + ": percentages must be 1-1000");
      }
    }
  }

  /** SPEC §5.4's budgets. */
  public static Map<CostService, BudgetPolicy> defaults() {
    Map<CostService, BudgetPolicy> budgets = new LinkedHashMap<>();
    budgets.put(CostService.AI, autoThrottle(CostService.AI, 50_000));
    budgets.put(CostService.VIDEO, autoThrottle(CostService.VIDEO, 30_000));
    budgets.put(CostService.WEBRTC, autoThrottle(CostService.WEBRTC, 20_000));
    budgets.put(CostService.PUSH, autoThrottle(CostService.PUSH, 5_000));
    budgets.put(CostService.CLOUD_FUNCTIONS, critical(CostService.CLOUD_FUNCTIONS, 15_000));
    budgets.put(CostService.FIRESTORE, critical(CostService.FIRESTORE, 10_000));
    budgets.put(CostService.STORAGE, critical(CostService.STORAGE, 8_000));
    return budgets;
  }

  private static BudgetPolicy autoThrottle(CostService service, long pln) {
    return new BudgetPolicy(service, pln * 100, Mode.AUTO_THROTTLE, 70, 80, 90);
  }

  private static BudgetPolicy critical(CostService service, long pln) {
    return new BudgetPolicy(service, pln * 100, Mode.CRITICAL, 70, 80, 90);
  }

  /** True when {@code spentMicros} is at or above {@code percent} % of the budget (exact). */
  public boolean atLeast(long spentMicros, int percent) {
    return Math.multiplyExact(spentMicros, 100L)
        >= Math.multiplyExact(
            Math.multiplyExact(monthlyBudgetMinor, Money.MICROS_PER_MINOR), (long) percent);
  }

  /**
   * The levels this spend has reached; THROTTLE only for auto-throttle, CRITICAL only for critical
   * services.
   */
  public Set<Level> levelsReached(long spentMicros) {
    Set<Level> levels = EnumSet.noneOf(Level.class);
    if (atLeast(spentMicros, alertPercent)) {
      levels.add(Level.ALERT);
    }
    if (mode == Mode.AUTO_THROTTLE && atLeast(spentMicros, throttlePercent)) {
      levels.add(Level.THROTTLE);
    }
    if (mode == Mode.CRITICAL && atLeast(spentMicros, criticalPercent)) {
      levels.add(Level.CRITICAL);
    }
    return levels;
  }

  public boolean throttles(long spentMicros) {
    return levelsReached(spentMicros).contains(Level.THROTTLE);
  }

  public State state(long spentMicros, boolean overridden) {
    Set<Level> levels = levelsReached(spentMicros);
    if (levels.contains(Level.CRITICAL)) {
      return State.CRITICAL;
    }
    if (levels.contains(Level.THROTTLE) && !overridden) {
      return State.THROTTLED;
    }
    return levels.isEmpty() ? State.OK : State.WARNING;
  }
}

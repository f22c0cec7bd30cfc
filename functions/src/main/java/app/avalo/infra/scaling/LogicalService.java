package app.avalo.infra.scaling;

import app.avalo.infra.platform.WireEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The logical services the controller scales, each with the default rule SPEC §5.2 gives it. A
 * logical service maps to one or more Cloud Run services ({@link ServiceMap}); adding one is a code
 * change here, so its default rule is reviewed with it.
 */
public enum LogicalService implements WireEnum {
  FUNCTIONS("functions", 2, 100, 60),
  REALTIME("realtime", 3, 50, 120),
  AI("ai", 2, 30, 180),
  MEDIA("media", 2, 40, 90),
  WALLET("wallet", 3, 50, 60),
  SUPPORT("support", 2, 20, 120);

  /**
   * SPEC gives 60 % / 30 % for {@code functions} and elides the others: the same thresholds apply.
   */
  static final double DEFAULT_SCALE_UP_CPU = 0.60;

  static final double DEFAULT_SCALE_DOWN_CPU = 0.30;

  private final String id;
  private final int minInstances;
  private final int maxInstances;
  private final int cooldownSeconds;

  LogicalService(String id, int minInstances, int maxInstances, int cooldownSeconds) {
    this.id = id;
    this.minInstances = minInstances;
    this.maxInstances = maxInstances;
    this.cooldownSeconds = cooldownSeconds;
  }

  public String id() {
    return id;
  }

  @Override
  public String wire() {
    return id;
  }

  /** The rule seeded when {@code scalingRules/{id}} is missing. */
  public ScalingRule defaultRule(int stabilizationSeconds) {
    return new ScalingRule(
        id,
        minInstances,
        maxInstances,
        DEFAULT_SCALE_UP_CPU,
        DEFAULT_SCALE_DOWN_CPU,
        null,
        cooldownSeconds,
        stabilizationSeconds);
  }

  public static Optional<LogicalService> byId(String id) {
    return WireEnum.parse(LogicalService.class, id);
  }

  public static List<String> ids() {
    return WireEnum.wireNames(LogicalService.class);
  }

  /** The ids plus {@code all}, for functions that act on one service or every one. */
  public static List<String> idsOrAll() {
    List<String> ids = new ArrayList<>(ids());
    ids.add(ALL);
    return ids;
  }

  /** One service by a validated id, or every service for {@code all}. */
  public static List<LogicalService> select(String idOrAll) {
    return idOrAll.equals(ALL) ? List.of(values()) : List.of(byId(idOrAll).orElseThrow());
  }

  public static final String ALL = "all";
}

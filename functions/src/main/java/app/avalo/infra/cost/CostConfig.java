package app.avalo.infra.cost;

import app.avalo.infra.platform.ConfigReader;
import java.time.Duration;

/**
 * The cost domain's environment configuration, read and validated once per instance.
 *
 * @param reportsBucket Cloud Storage bucket for monthly CSV/JSON reports
 * @param counterShards shards per period total (each takes about one write per second)
 * @param cacheTtl how long budgets, overrides, spend estimates, prices and abuse throttles may be
 *     served from this instance's memory
 * @param limiterAttempts transaction attempts of the rate limiter before it fails closed
 * @param fraudWindowDays UTC days (including today) of per-user cost that fraud detection compares
 * @param fraudMadMultiplier k in median + k·1.4826·MAD
 * @param fraudFloorMinor a user at or below this cost in the window is never flagged
 * @param fraudCeilingMinor a user above this cost is flagged whatever the population looks like
 * @param fraudMinPopulation below this many users the statistics are not used (only the ceiling)
 * @param abuseThrottle how long a flagged user is throttled
 * @param reportTopUsers users listed in the monthly report
 * @param eventRetention how long dedup records of cost events ({@code eventId}) are kept
 * @param billing the Cloud Billing inputs (export import, budget notifications)
 */
public record CostConfig(
    String reportsBucket,
    int counterShards,
    Duration cacheTtl,
    int limiterAttempts,
    int fraudWindowDays,
    int fraudMadMultiplier,
    long fraudFloorMinor,
    long fraudCeilingMinor,
    int fraudMinPopulation,
    Duration abuseThrottle,
    int reportTopUsers,
    Duration eventRetention,
    BillingConfig billing) {

  public static CostConfig read(ConfigReader env, String projectId) {
    CostConfig config =
        new CostConfig(
            env.optional("COST_REPORTS_BUCKET", projectId + "-cost-reports"),
            env.intValue("COST_COUNTER_SHARDS", 20, 1, 500),
            Duration.ofMillis(env.longValue("COST_CACHE_MILLIS", 2_000, 0, 10_000)),
            env.intValue("COST_LIMITER_TX_ATTEMPTS", 30, 1, 100),
            env.intValue("COST_FRAUD_WINDOW_DAYS", 1, 1, 31),
            env.intValue("COST_FRAUD_MAD_MULTIPLIER", 6, 1, 100),
            env.longValue("COST_FRAUD_FLOOR_MINOR", 5_000, 0, 1_000_000_000),
            env.longValue("COST_FRAUD_CEILING_MINOR", 200_000, 1, 1_000_000_000),
            env.intValue("COST_FRAUD_MIN_POPULATION", 10, 1, 1_000_000),
            Duration.ofMinutes(env.longValue("COST_ABUSE_THROTTLE_MINUTES", 60, 1, 7 * 24 * 60)),
            env.intValue("COST_REPORT_TOP_USERS", 20, 1, 1000),
            Duration.ofDays(env.longValue("COST_EVENT_RETENTION_DAYS", 35, 1, 3650)),
            BillingConfig.read(env, projectId));
    if (config.fraudCeilingMinor <= config.fraudFloorMinor) {
      env.problem("COST_FRAUD_CEILING_MINOR must be above COST_FRAUD_FLOOR_MINOR");
    }
    if (!config.reportsBucket.matches("[a-z0-9][a-z0-9._\\-]{1,220}[a-z0-9]")) {
      env.problem(
          "COST_REPORTS_BUCKET must be a valid bucket name (got '" + config.reportsBucket + "')");
    }
    env.throwIfInvalid();
    return config;
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.ConfigReader;
import app.avalo.infra.platform.Fields;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where infrastructure spend comes from: the Cloud Billing export in BigQuery (hourly import) and
 * Cloud Billing budget notifications (Pub/Sub push).
 *
 * @param source {@code bigquery} reads {@code table}; {@code off} imports nothing (the local
 *     default)
 * @param table the standard usage cost export ({@code project.dataset.gcp_billing_export_v1_…}) or
 *     a view with its schema
 * @param queryProject the project the query job runs (and is billed) in
 * @param location the dataset's location ({@code EU}, {@code US}, …), null to let BigQuery infer it
 * @param endpoint the BigQuery REST root; an {@code http://} one (the loopback fake) gets no token
 * @param lookback how many hours back each run re-reads: the export restates recent hours
 * @param plnPerUnit exchange rates of export or budget currencies other than PLN
 * @param services the export's {@code service.description} values that are booked, by budget
 * @param budgets Cloud Billing budget ids whose notifications stand for a service's month-to-date
 *     spend
 */
public record BillingConfig(
    Source source,
    String table,
    String queryProject,
    String location,
    String endpoint,
    Duration lookback,
    Map<String, BigDecimal> plnPerUnit,
    Map<String, CostService> services,
    Map<String, CostService> budgets) {

  public enum Source {
    OFF,
    BIGQUERY
  }

  public static final String DEFAULT_SERVICES =
      "Cloud Functions=cloud-functions,Cloud Run Functions=cloud-functions,Cloud"
          + " Run=cloud-functions,Cloud Firestore=firestore,Cloud Storage=storage";

  private static final Pattern TABLE =
      Pattern.compile("[a-z][a-z0-9.:\\-]{4,62}\\.[A-Za-z0-9_]{1,1024}\\.[A-Za-z0-9_\\-]{1,1024}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  public BillingConfig {
    plnPerUnit = Map.copyOf(plnPerUnit);
    services = Map.copyOf(services);
    budgets = Map.copyOf(budgets);
  }

  static BillingConfig read(ConfigReader env, String projectId) {
    Source source = env.enumValue("COST_BILLING_SOURCE", Source.class, Source.OFF);
    String table = env.raw("COST_BILLING_EXPORT_TABLE");
    if (source == Source.BIGQUERY) {
      if (table == null) {
        env.problem(
            "COST_BILLING_EXPORT_TABLE is missing (COST_BILLING_SOURCE=bigquery reads the Cloud"
                + " Billing export, e.g."
                + " my-proj.billing.gcp_billing_export_v1_0123AB_4567CD_89EF01)");
      } else if (!TABLE.matcher(table).matches()) {
        env.problem(
            "COST_BILLING_EXPORT_TABLE must be project.dataset.table (got '" + table + "')");
      }
    }
    String endpoint = env.optional("COST_BIGQUERY_ENDPOINT", "https://bigquery.googleapis.com");
    try {
      URI uri = URI.create(endpoint);
      if (!("https".equals(uri.getScheme())
          || ("http".equals(uri.getScheme()) && "127.0.0.1".equals(uri.getHost())))) {
        env.problem("COST_BIGQUERY_ENDPOINT must be https:// or http://127.0.0.1 (a local fake)");
      }
    } catch (IllegalArgumentException e) {
      env.problem("COST_BIGQUERY_ENDPOINT is not a URL (got '" + endpoint + "')");
    }
    return new BillingConfig(
        source,
        table,
        env.optional("COST_BIGQUERY_PROJECT", projectId),
        env.raw("COST_BIGQUERY_LOCATION"),
        endpoint.replaceAll("/+$", ""),
        Duration.ofHours(env.longValue("COST_BILLING_LOOKBACK_HOURS", 72, 1, 24 * 35)),
        rates(env),
        serviceMap(env, "COST_BILLING_SERVICES", DEFAULT_SERVICES, ".{1,200}"),
        serviceMap(env, "COST_BILLING_BUDGETS", "", "[A-Za-z0-9_\\-]{1,100}"));
  }

  /** Whether calls carry a Google access token (not to the loopback fake). */
  boolean googleAuth() {
    return endpoint.startsWith("https://");
  }

  /** PLN per unit of {@code currency}; PLN is 1, an unconfigured currency is empty. */
  Optional<BigDecimal> plnPer(String currency) {
    if ("PLN".equals(currency)) {
      return Optional.of(BigDecimal.ONE);
    }
    return Optional.ofNullable(plnPerUnit.get(currency));
  }

  /** {@code COST_BILLING_FX=USD=4.00,EUR=4.30}: PLN per unit of each currency. */
  private static Map<String, BigDecimal> rates(ConfigReader env) {
    Map<String, BigDecimal> rates = new LinkedHashMap<>();
    for (String pair : env.list("COST_BILLING_FX", List.of())) {
      String[] kv = pair.split("=", 2);
      String currency = kv[0].trim().toUpperCase(Locale.ROOT);
      try {
        BigDecimal rate = new BigDecimal(kv.length == 2 ? kv[1].trim() : "");
        if (!CURRENCY.matcher(currency).matches() || rate.signum() <= 0) {
          throw new NumberFormatException();
        }
        rates.put(currency, rate);
      } catch (NumberFormatException e) {
        env.problem(
            "COST_BILLING_FX must be CUR=rate pairs of PLN per unit, e.g. USD=4.00,EUR=4.30"
                + " (got '"
                + pair
                + "')");
      }
    }
    return rates;
  }

  /** {@code key=service,…} with service a cost service's wire name. */
  private static Map<String, CostService> serviceMap(
      ConfigReader env, String name, String defaults, String keyPattern) {
    Map<String, CostService> map = new LinkedHashMap<>();
    for (String pair : env.list(name, List.of(defaults.split(",")))) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      String key = kv[0].trim();
      Optional<CostService> service =
          kv.length == 2 ? CostService.fromWire(kv[1].trim()) : Optional.empty();
      if (service.isEmpty() || !key.matches(keyPattern)) {
        env.problem(
            name
                + " must be key=service pairs, service one of "
                + Arrays.stream(CostService.values()).map(Fields::wireName).toList()
                + " (got '"
                + pair
                + "')");
        continue;
      }
      map.put(key, service.get());
    }
    return map;
  }
}

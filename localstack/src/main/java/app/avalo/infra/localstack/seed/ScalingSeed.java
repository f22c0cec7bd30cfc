package app.avalo.infra.localstack.seed;

import app.avalo.infra.scaling.LogicalService;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Scaling demo data: the last ten minutes of metrics for every service, reported through {@code
 * updateMetrics} as a service's exporter would, with {@code functions} running hot for the last
 * three minutes; then one {@code evaluateAllServices} run, so the dashboard shows the rules (seeded
 * by that run), a scale-up with its reason and "no change" decisions for the rest.
 *
 * <p>Safe to re-run: it only adds samples to the metric buckets of the last minutes (bounded
 * writes, expiring with the buckets) and one more evaluation; rules are seeded only when missing,
 * so edits survive. A re-run within the cooldown shows the hot service held by the cooldown.
 */
public final class ScalingSeed implements DemoSeed {
  private static final int MINUTES = 10;
  private static final int HOT_MINUTES = 3;

  @Override
  public String name() {
    return "scaling";
  }

  @Override
  public void seed(SeedContext context) {
    Instant now = context.root().platform().clock().instant();
    Instant firstMinute = now.truncatedTo(ChronoUnit.MINUTES).minus(MINUTES, ChronoUnit.MINUTES);
    int k = -1; // the service's position: a little different figures per service
    for (LogicalService service : LogicalService.values()) {
      k++;
      for (int m = 0; m < MINUTES; m++) {
        boolean hot = service == LogicalService.FUNCTIONS && m >= MINUTES - HOT_MINUTES;
        // around the 45 % target, a little different per service and minute; the hot one well above
        // 60 %
        double cpu = hot ? 0.85 : 0.42 + 0.01 * ((k + m) % 5);
        long instances = 4L + k % 3;
        double rps = hot ? 480 : 60 + 10 * k + (m % 3) * 5;
        for (int s = 0; s < 2; s++) {
          Instant at = firstMinute.plus(m, ChronoUnit.MINUTES).plusSeconds(15 + 30L * s);
          context.callPrivate(
              "updateMetrics",
              String.format(
                  Locale.ROOT,
                  "{\"service\":\"%s\",\"cpu\":%.2f,\"memory\":%.2f,\"rps\":%.1f,\"instances\":%d,\"at\":\"%s\"}",
                  service.id(),
                  cpu,
                  0.35 + 0.05 * k,
                  rps,
                  instances,
                  at));
        }
      }
    }
    context.callPrivate("evaluateAllServices", "{}");
  }
}

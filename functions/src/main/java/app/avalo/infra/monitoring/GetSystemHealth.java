package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getSystemHealth} (admins; the dashboard polls it): per service its status, p50/p95/p99,
 * error rate and sample count over the last evaluated window, and the overall status — the summary
 * {@code runHealthCheck} writes each minute (one read, so the dashboard may poll it). {@code stale}
 * is true when no evaluation happened in the last {@link SystemHealth#STALE_AFTER}.
 */
public final class GetSystemHealth extends ApiFunction {
  private final Supplier<MonitoringModule> monitoring;

  public GetSystemHealth() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  GetSystemHealth(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected Object handle(Request request) {
    request.data().done();
    return monitoring.get().systemHealth(platform().clock().instant());
  }
}

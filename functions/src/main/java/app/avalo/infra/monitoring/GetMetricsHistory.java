package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getMetricsHistory} (admins, when a chart is opened): {@code {service, metric, from, to,
 * resolution?}} → a dense time series of samples, errors, mean, p50/p95/p99 and the thresholded
 * value, with the current threshold. Resolution {@code minute} (≤ 24 h), {@code hour} (≤ 93 days)
 * or {@code auto} (default: minutes up to 6 h). See {@link MetricsHistory}.
 */
public final class GetMetricsHistory extends ApiFunction {
  private final Supplier<MonitoringModule> monitoring;

  public GetMetricsHistory() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  GetMetricsHistory(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected Object handle(Request request) {
    MetricsHistory.Query query = MetricsHistory.Query.read(request.data());
    request.data().done();
    return monitoring.get().history().series(query);
  }
}

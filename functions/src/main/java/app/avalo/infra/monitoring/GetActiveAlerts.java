package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getActiveAlerts} (admins, on demand): open alerts from every source (monitoring, routing,
 * cost, recovery, …), critical first, then most recently seen. Optional {@code source} filter and
 * {@code limit} (1-500, default 100); {@code truncated} says more are open.
 */
public final class GetActiveAlerts extends ApiFunction {
  private final Supplier<MonitoringModule> monitoring;

  public GetActiveAlerts() {
    super(() -> Root.get().platform());
    this.monitoring = () -> Root.get().monitoring();
  }

  GetActiveAlerts(Platform platform, MonitoringModule monitoring) {
    super(platform);
    this.monitoring = () -> monitoring;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    String source = data.optionalId("source").orElse(null);
    int limit = (int) data.optionalLong("limit", 1, AlertBoard.MAX_LIMIT).orElse(100);
    data.done();
    return monitoring.get().alertBoard().open(source, limit);
  }
}

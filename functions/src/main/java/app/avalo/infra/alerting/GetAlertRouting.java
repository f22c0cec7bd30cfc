package app.avalo.infra.alerting;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code getAlertRouting} (admins): the routing tree and inhibit rules in force, in the shape
 * {@code updateAlertRouting} takes, with its version, where it comes from ({@code stored}, {@code
 * default} while nothing is stored, {@code invalid} when the stored document no longer parses) and
 * which receivers are configured in this runtime (a route naming an unconfigured one delivers
 * nothing there).
 */
public final class GetAlertRouting extends ApiFunction {
  private final Supplier<AlertingModule> alerting;

  public GetAlertRouting() {
    super(() -> Root.get().platform());
    this.alerting = () -> Root.get().alerting();
  }

  GetAlertRouting(Platform platform, AlertingModule alerting) {
    super(platform);
    this.alerting = () -> alerting;
  }

  /** The answer. */
  record Routing(
      Map<String, Object> routing,
      long version,
      String origin,
      Instant updatedAt,
      String updatedBy,
      String problem,
      List<String> configuredReceivers,
      List<String> unconfiguredReceivers) {}

  @Override
  protected Object handle(Request request) {
    request.data().done();
    AlertingModule module = alerting.get();
    RoutingStore.Current c = module.routing().read();
    List<String> configured = module.receivers().stream().map(Receiver::name).sorted().toList();
    List<String> missing =
        c.tree().receiversNamed().stream().filter(n -> !configured.contains(n)).toList();
    return new Routing(
        c.tree().write(),
        c.version(),
        c.origin(),
        c.updatedAt(),
        c.updatedBy(),
        c.problem(),
        configured,
        missing);
  }
}

package app.avalo.infra.alerting;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code updateAlertRouting} (admins, audited): {@code {expectedVersion, route, inhibitRules?}}
 * replaces the routing tree (see docs/alerting.md for the shape). The whole tree is validated first
 * — unknown receivers or labels, bad regular expressions, durations out of range, duplicate route
 * ids, nesting deeper than 4 — INVALID_ARGUMENT naming the field, nothing written. {@code
 * expectedVersion} is the version {@code getAlertRouting} answered (0 while the default applies); a
 * different stored version is FAILED_PRECONDITION. The next notifier pass routes by it.
 */
public final class UpdateAlertRouting extends ApiFunction {
  private final Supplier<AlertingModule> alerting;

  public UpdateAlertRouting() {
    super(() -> Root.get().platform());
    this.alerting = () -> Root.get().alerting();
  }

  UpdateAlertRouting(Platform platform, AlertingModule alerting) {
    super(platform);
    this.alerting = () -> alerting;
  }

  /** The answer: the version now stored. */
  record Updated(long version) {}

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    long expected = data.longValue("expectedVersion", 0, Long.MAX_VALUE);
    RoutingTree tree = RoutingTree.read(data);
    return new Updated(
        alerting
            .get()
            .routing()
            .write(tree, expected, request.caller().label(), platform().clock().instant()));
  }
}

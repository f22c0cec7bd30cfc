package app.avalo.infra.monitoring;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;

/**
 * {@code resolveAlert} (admins, audited, on demand): {@code {alertId, note}} closes an open alert
 * of any source, recording who and why. Resolving an already resolved alert changes nothing and
 * says {@code wasOpen: false}; an unknown id is NOT_FOUND. If the condition persists, its source
 * raises a fresh alert on its next check.
 */
public final class ResolveAlert extends ApiFunction {
  public ResolveAlert() {
    super(() -> Root.get().platform());
  }

  ResolveAlert(Platform platform) {
    super(platform);
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    String alertId = data.id("alertId");
    String note = data.string("note", 1000);
    data.done();
    return platform().alerts().resolveById(alertId, request.caller().label(), note);
  }
}

package app.avalo.infra.alerting;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;

/**
 * {@code acknowledgeAlert} (admins, audited, on demand): {@code {alertId, note?}} records that
 * someone is working on an open alert and tells PagerDuty ({@code acknowledge}, which stops its
 * escalation) and Slack; the alert stays open until resolved. A resolved alert is
 * FAILED_PRECONDITION, an unknown id NOT_FOUND, a second acknowledgement {@code changed: false}.
 */
public final class AcknowledgeAlert extends ApiFunction {
  public AcknowledgeAlert() {
    super(() -> Root.get().platform());
  }

  AcknowledgeAlert(Platform platform) {
    super(platform);
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    String alertId = data.id("alertId");
    String note = data.optionalString("note", 1000).orElse(null);
    data.done();
    return platform().alerts().acknowledge(alertId, request.caller().label(), note);
  }
}

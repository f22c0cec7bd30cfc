package app.avalo.infra.alerting;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * {@code createSilence} (admins, audited, on demand, e.g. during planned maintenance): {@code
 * {matchers: [{name: source|key|severity, value, regex?}], durationMinutes, comment}} mutes every
 * notification of the alerts matching all matchers until it ends (at most 7 days). The alerts
 * themselves still open and resolve; only their delivery is held back.
 */
public final class CreateSilence extends ApiFunction {
  private final Supplier<AlertingModule> alerting;

  public CreateSilence() {
    super(() -> Root.get().platform());
    this.alerting = () -> Root.get().alerting();
  }

  CreateSilence(Platform platform, AlertingModule alerting) {
    super(platform);
    this.alerting = () -> alerting;
  }

  /** The answer: the silence's id and when it starts and ends. */
  record Created(String silenceId, Instant startsAt, Instant endsAt) {}

  @Override
  protected Object handle(Request request) {
    Silence.Request silence = Silence.Request.read(request.data());
    Silence s =
        alerting
            .get()
            .silences()
            .create(silence, request.caller().label(), platform().clock().instant());
    return new Created(s.id(), s.startsAt(), s.endsAt());
  }
}

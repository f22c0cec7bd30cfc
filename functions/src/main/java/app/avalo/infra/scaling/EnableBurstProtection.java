package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code enableBurstProtection} (admins, audited; before a promotion, event or celebrity visit):
 * {@code {service | "all", reason: promotion | event | celebrity | manual, durationMinutes?}}
 * raises max instances to the burst maximum and holds scale-downs until the expiry (none: until
 * disabled). Replaces any burst in place. The services are re-evaluated at once, so the new max
 * reaches Cloud Run now.
 */
public final class EnableBurstProtection extends ApiFunction {
  private final Supplier<ScalingModule> scaling;

  public EnableBurstProtection() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  EnableBurstProtection(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected Object handle(Request request) {
    BurstRequest input = BurstRequest.read(request.data());
    return scaling.get().manual().enableBursts(input, request.caller().label());
  }
}

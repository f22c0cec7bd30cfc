package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code disableBurstProtection} (admins, audited; when a promotion or surge is over): {@code
 * {service | "all"}} ends live bursts (manual or viral) and re-evaluates those services, so max
 * instances falls back to the rule. Idempotent: a service without a live burst is reported as
 * {@code changed: false}.
 */
public final class DisableBurstProtection extends ApiFunction {
  private final Supplier<ScalingModule> scaling;

  public DisableBurstProtection() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  DisableBurstProtection(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected Object handle(Request request) {
    BurstRequest.Off input = BurstRequest.Off.read(request.data());
    return scaling.get().manual().disableBursts(input, request.caller().label());
  }
}

package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getScalingHistory} (admins; the dashboard's scaling view): {@code {service?, from?, to?,
 * limit? (1-200, default 50), cursor?}} lists scaling decisions and burst changes newest first,
 * {@code from} inclusive and {@code to} exclusive; pass {@code nextCursor} back (with the same
 * filters) for the next page. Read-only; a cursor reused with other filters is refused.
 */
public final class GetScalingHistory extends ApiFunction {
  private final Supplier<ScalingModule> scaling;

  public GetScalingHistory() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  GetScalingHistory(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected Object handle(Request request) {
    HistoryQuery query = HistoryQuery.read(request.data());
    return scaling.get().history().page(query);
  }
}

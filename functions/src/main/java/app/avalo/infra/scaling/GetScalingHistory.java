package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code getScalingHistory} (admin): {@code {service?, from?, to?, limit? (1-200, default 50),
 * cursor?}} lists scaling decisions and burst changes newest first, {@code from} inclusive and
 * {@code to} exclusive; pass {@code nextCursor} back (with the same filters) for the next page.
 */
public final class GetScalingHistory extends ApiFunction {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;

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
    Fields data = request.data();
    LogicalService service = data.optionalEnum("service", LogicalService.class).orElse(null);
    Instant from = data.optionalInstant("from").orElse(null);
    Instant to = data.optionalInstant("to").orElse(null);
    int limit = (int) data.optionalLong("limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
    String cursor = data.optionalString("cursor", 1000).orElse(null);
    data.done();
    if (from != null && to != null && !from.isBefore(to)) {
      throw ApiException.invalidArgument("to", "must be after from");
    }
    ScalingHistory.Page page =
        scaling.get().history().page(new ScalingHistory.Filter(service, from, to), limit, cursor);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("events", page.events());
    result.put("nextCursor", page.nextCursor());
    return result;
  }
}

package app.avalo.infra.scaling;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.time.Instant;

/**
 * A validated {@code getScalingHistory} input: {@code {service?, from?, to?, limit? (1-200, default
 * 50), cursor?}}, {@code from} before {@code to} when both are given.
 */
record HistoryQuery(ScalingHistory.Filter filter, int limit, String cursor) {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;

  static HistoryQuery read(Fields data) {
    LogicalService service = data.optionalEnum("service", LogicalService.class).orElse(null);
    Instant from = data.optionalInstant("from").orElse(null);
    Instant to = data.optionalInstant("to").orElse(null);
    int limit = (int) data.optionalLong("limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
    String cursor = data.optionalString("cursor", 1000).orElse(null);
    data.done();
    if (from != null && to != null && !from.isBefore(to)) {
      throw ApiException.invalidArgument("to", "must be after from");
    }
    return new HistoryQuery(new ScalingHistory.Filter(service, from, to), limit, cursor);
  }
}

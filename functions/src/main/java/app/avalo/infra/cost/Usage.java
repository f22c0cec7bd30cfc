package app.avalo.infra.cost;

import java.util.Map;

/** One user's usage in a UTC day or a month. */
record Usage(String userId, long costMicros, long events, Map<CostService, Long> byService) {}

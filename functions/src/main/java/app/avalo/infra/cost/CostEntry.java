package app.avalo.infra.cost;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one recorded cost adds to the ledger: {@code counts} (tokens, bytes) and one breakdown
 * counter per key in {@code breakdown} (model, feature, region), each by {@code costMicros}.
 */
record CostEntry(
    CostService service,
    long costMicros,
    String userId,
    String eventId,
    Instant at,
    Map<String, Long> counts,
    List<String> breakdown) {}

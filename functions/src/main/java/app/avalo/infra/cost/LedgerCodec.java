package app.avalo.infra.cost;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ledger's documents: the dedup record of an event ({@code costEvents/{eventId}}), the fields
 * of a period total ({@code costCounters}, a sharded counter: {@code costMicros}, {@code events},
 * the usage counts and one {@code costMicros} counter per breakdown key), and a user's usage of a
 * day ({@code costUserDays/{day}~{uid}}) or month ({@code costUserMonths/{period}~{uid}}).
 */
final class LedgerCodec {
  static final String COST_MICROS = "costMicros";
  static final String EVENTS = "events";
  static final String PERIOD = "period";
  static final String DAY = "day";

  /** Usage counts of a period total (the other non-total fields are breakdown costs). */
  static final String INPUT_TOKENS = "inputTokens";

  static final String OUTPUT_TOKENS = "outputTokens";
  static final String BYTES = "bytes";

  private LedgerCodec() {}

  static Map<String, Object> event(CostEntry entry, BillingPeriod period, Instant expireAt) {
    return DocWriter.create()
        .field("service", entry.service().wire())
        .fieldOrNull("userId", entry.userId())
        .field(COST_MICROS, entry.costMicros())
        .field(PERIOD, period.id())
        .field("at", entry.at())
        .field("expireAt", expireAt)
        .map();
  }

  static Long eventMicros(DocumentSnapshot doc) {
    return doc.getLong(COST_MICROS);
  }

  /** What the entry adds to its period total. */
  static Map<String, Long> totalDeltas(CostEntry entry) {
    Map<String, Long> deltas = new LinkedHashMap<>(entry.counts());
    deltas.put(COST_MICROS, entry.costMicros());
    deltas.put(EVENTS, 1L);
    for (String key : entry.breakdown()) {
      deltas.put(key, entry.costMicros());
    }
    return deltas;
  }

  static Map<String, Object> totalLabels(BillingPeriod period, CostService service) {
    return DocWriter.create().field(PERIOD, period.id()).field("service", service.wire()).map();
  }

  /** The merge that adds the entry to the user's month. */
  static Map<String, Object> monthUsage(CostEntry entry, BillingPeriod period) {
    return usage(entry, period).map();
  }

  /** The merge that adds the entry to the user's day, kept until {@code expireAt} (TTL). */
  static Map<String, Object> dayUsage(
      CostEntry entry, BillingPeriod period, String day, Instant expireAt) {
    return usage(entry, period).field(DAY, day).field("expireAt", expireAt).map();
  }

  private static DocWriter usage(CostEntry entry, BillingPeriod period) {
    return DocWriter.create()
        .field("userId", entry.userId())
        .field(PERIOD, period.id())
        .field(COST_MICROS, FieldValue.increment(entry.costMicros()))
        .field(EVENTS, FieldValue.increment(1L))
        .field(
            COST_MICROS + "_" + entry.service().fieldSuffix(),
            FieldValue.increment(entry.costMicros()));
  }

  static Usage usage(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    Map<CostService, Long> byService = new EnumMap<>(CostService.class);
    for (CostService service : CostService.values()) {
      d.optionalLong(COST_MICROS + "_" + service.fieldSuffix())
          .ifPresent(micros -> byService.put(service, micros));
    }
    return new Usage(
        d.optionalString("userId").orElse(null),
        d.optionalLong(COST_MICROS).orElse(0L),
        d.optionalLong(EVENTS).orElse(0L),
        byService);
  }
}

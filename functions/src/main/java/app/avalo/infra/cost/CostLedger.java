package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Books costs: prices an event, commits it to the period totals (sharded counters) and the user's
 * usage in one atomic batch, then advances the budget state machine. {@code trackAiCost}, {@code
 * trackBandwidthCost} and other domains (the CDN's bandwidth monitor) all go through here:
 *
 * <pre>{@code root.cost().ledger().recordBandwidth(CostService.CDN, bytes, region, userId);}
 * </pre>
 *
 * <p>An optional {@code eventId} makes a record idempotent: a retried event is booked once (its
 * dedup record expires after the configured retention). Invalid input throws INVALID_ARGUMENT
 * naming the field before anything is written.
 */
public final class CostLedger {
  public static final long MAX_TOKENS = 100_000_000L;

  /** 1 PiB: more than any single transfer report; larger values are refused as bad input. */
  public static final long MAX_BYTES = 1L << 50;

  public static final long MAX_COST_MINOR = Money.MAX_EVENT_MICROS / Money.MICROS_PER_MINOR;

  /** How far ahead of this instance's clock a reporter's {@code at} may be. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_\\-]{1,40}");
  private static final Pattern FIELD_UNSAFE = Pattern.compile("[^A-Za-z0-9_]");

  private final LedgerStore store;
  private final PricingStore pricing;
  private final CostDefaults defaults;
  private final SpendEstimates spend;
  private final BudgetMonitor budgets;
  private final Clock clock;
  private final Duration eventRetention;
  private final LocalCache<String, PriceTable> prices;

  CostLedger(
      LedgerStore store,
      PricingStore pricing,
      CostDefaults defaults,
      SpendEstimates spend,
      BudgetMonitor budgets,
      Clock clock,
      CostConfig config) {
    this.store = store;
    this.pricing = pricing;
    this.defaults = defaults;
    this.spend = spend;
    this.budgets = budgets;
    this.clock = clock;
    this.eventRetention = config.eventRetention();
    this.prices = new LocalCache<>(clock, config.cacheTtl(), 1);
  }

  /** What a record did: the cost booked, and the service's budget state afterwards. */
  public record Recorded(
      String service,
      long costMinor,
      long costMicros,
      String period,
      boolean duplicate,
      String budgetState) {}

  /**
   * {@code trackAiCost}: one AI call, see {@link #recordAi(String, String, long, long, String,
   * Long, String)}.
   */
  Recorded recordAi(AiCostRequest r) {
    return recordAi(
        r.userId(),
        r.model(),
        r.inputTokens(),
        r.outputTokens(),
        r.feature(),
        r.costMinor(),
        r.eventId(),
        r.at());
  }

  /** {@code trackBandwidthCost}: egress reported by a media backend. */
  Recorded recordBandwidth(BandwidthCostRequest r) {
    return recordBandwidth(r.service(), r.bytes(), r.region(), r.userId(), r.eventId(), r.at());
  }

  /**
   * One AI call: priced from the table by model and tokens, or at {@code costMinor} when given (for
   * models or providers the table does not know).
   */
  public Recorded recordAi(
      String userId,
      String model,
      long inputTokens,
      long outputTokens,
      String feature,
      Long costMinor,
      String eventId) {
    return recordAi(userId, model, inputTokens, outputTokens, feature, costMinor, eventId, null);
  }

  /** The same, booked at {@code at} (when the call was made; null: now). */
  public Recorded recordAi(
      String userId,
      String model,
      long inputTokens,
      long outputTokens,
      String feature,
      Long costMinor,
      String eventId,
      Instant at) {
    if (userId == null || userId.isBlank()) {
      throw ApiException.invalidArgument("userId", "is required");
    }
    if (model == null || model.isBlank()) {
      throw ApiException.invalidArgument("model", "is required");
    }
    requireRange("inputTokens", inputTokens, MAX_TOKENS);
    requireRange("outputTokens", outputTokens, MAX_TOKENS);
    if (feature != null && !LABEL.matcher(feature).matches()) {
      throw ApiException.invalidArgument("feature", "must be 1-40 letters, digits, '_' or '-'");
    }
    long micros;
    if (costMinor != null) {
      requireRange("costMinor", costMinor, MAX_COST_MINOR);
      micros = Money.toMicros(costMinor);
    } else {
      micros = priceTable().aiCostMicros(model, inputTokens, outputTokens);
    }
    Map<String, Long> counts =
        Map.of(LedgerCodec.INPUT_TOKENS, inputTokens, LedgerCodec.OUTPUT_TOKENS, outputTokens);
    List<String> breakdown = new ArrayList<>();
    breakdown.add("model_" + FIELD_UNSAFE.matcher(model).replaceAll("_"));
    if (feature != null) {
      breakdown.add("feature_" + FIELD_UNSAFE.matcher(feature).replaceAll("_"));
    }
    return record(CostService.AI, micros, userId, eventId, counts, breakdown, at);
  }

  public Recorded recordBandwidth(CostService service, long bytes, String region, String userId) {
    return recordBandwidth(service, bytes, region, userId, null);
  }

  public Recorded recordBandwidth(
      CostService service, long bytes, String region, String userId, String eventId) {
    return recordBandwidth(service, bytes, region, userId, eventId, null);
  }

  /**
   * Egress of {@code bytes} for a bandwidth service, priced per GiB for the region, booked at
   * {@code at} (when it was served; null: now).
   */
  public Recorded recordBandwidth(
      CostService service, long bytes, String region, String userId, String eventId, Instant at) {
    if (!service.isBandwidth()) {
      throw ApiException.invalidArgument("service", "must be one of video, webrtc, cdn");
    }
    requireRange("bytes", bytes, MAX_BYTES);
    long micros = priceTable().bandwidthCostMicros(service, region, bytes);
    List<String> breakdown =
        List.of("region_" + FIELD_UNSAFE.matcher(PriceRegion.label(region)).replaceAll("_"));
    return record(
        service, micros, userId, eventId, Map.of(LedgerCodec.BYTES, bytes), breakdown, at);
  }

  /**
   * A cost known in grosze (e.g. imported from the billing export for Cloud Functions, Firestore,
   * Storage, push): booked as is.
   */
  public Recorded recordCost(CostService service, long costMinor, String userId, String eventId) {
    requireRange("costMinor", costMinor, MAX_COST_MINOR);
    return record(service, Money.toMicros(costMinor), userId, eventId, Map.of(), List.of(), null);
  }

  private Recorded record(
      CostService service,
      long micros,
      String userId,
      String eventId,
      Map<String, Long> counts,
      List<String> breakdown,
      Instant when) {
    Instant at = bookedAt(when);
    defaults.ensureSeeded();
    BillingPeriod period = BillingPeriod.of(at);
    CostEntry entry = new CostEntry(service, micros, userId, eventId, at, counts, breakdown);
    if (!store.commit(entry, at.plus(eventRetention))) {
      long booked = store.recordedEventMicros(eventId).orElse(micros);
      return new Recorded(
          service.wire(),
          Money.toMinor(booked),
          booked,
          period.id(),
          true,
          budgets.observe(service, period, spend.micros(period, service)).wire());
    }
    spend.added(period, service, micros);
    BudgetPolicy.State state = budgets.observe(service, period, spend.micros(period, service));
    return new Recorded(
        service.wire(), Money.toMinor(micros), micros, period.id(), false, state.wire());
  }

  /**
   * When a cost is booked: its own time, so the last hour of a month lands in that month however
   * late it is reported. Not in the future (beyond {@link #CLOCK_SKEW}) and not older than the
   * dedup retention (a replay older than that could not be recognised as one).
   */
  private Instant bookedAt(Instant when) {
    Instant now = clock.instant();
    if (when == null) {
      return now;
    }
    if (when.isAfter(now.plus(CLOCK_SKEW))) {
      throw ApiException.invalidArgument("at", "must not be in the future");
    }
    if (when.isBefore(now.minus(eventRetention))) {
      throw ApiException.invalidArgument(
          "at", "must be within the last " + eventRetention.toDays() + " days");
    }
    return when;
  }

  PriceTable priceTable() {
    return prices.get(PricingStore.PRICES_DOC, pricing::prices);
  }

  private static void requireRange(String field, long value, long max) {
    if (value < 0 || value > max) {
      throw ApiException.invalidArgument(field, "must be between 0 and " + max);
    }
  }
}

package app.avalo.infra.cost;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The throttle documents: admin overrides ({@code costThrottleOverrides/{service}}), fraud flags
 * ({@code fraudFlags/{day}~{uid}}) and the abuse throttles they set ({@code
 * costAbuseThrottles/{uid}}, {@code until} a timestamp).
 */
final class ThrottleCodec {
  static final String UNTIL = "until";

  private ThrottleCodec() {}

  static Map<String, Object> toOverride(ThrottleOverride override) {
    return DocWriter.create()
        .field("service", override.service().wire())
        .field(UNTIL, override.until())
        .field("reason", override.reason())
        .field("by", override.by())
        .field("createdAt", override.createdAt())
        .map();
  }

  static ThrottleOverride fromOverride(CostService service, DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new ThrottleOverride(
        service,
        d.optionalInstant(UNTIL).orElse(null),
        d.optionalString("reason").orElse(null),
        d.optionalString("by").orElse(null),
        d.optionalInstant("createdAt").orElse(null));
  }

  /**
   * The flag of the day, created or refreshed: {@code detections} counts re-detections and {@code
   * firstDetectedAt} is kept from the existing flag.
   */
  static Map<String, Object> toFlag(FraudFlag flag, DocumentSnapshot existing, long detections) {
    Timestamp first = existing.exists() ? existing.getTimestamp("firstDetectedAt") : null;
    return DocWriter.create()
        .field("userId", flag.userId())
        .field("day", flag.day())
        .field("windowDays", (long) flag.windowDays())
        .field("costMinor", Money.toMinor(flag.costMicros()))
        .field("thresholdMinor", Money.toMinor(flag.thresholdMicros()))
        .field("medianMinor", Money.toMinor(flag.medianMicros()))
        .field("madMinor", Money.toMinor(flag.madMicros()))
        .field("population", (long) flag.population())
        .field("rule", flag.rule())
        .field("status", "open")
        .field("detections", detections)
        .field("lastDetectedAt", flag.detectedAt())
        .field("firstDetectedAt", first != null ? first : flag.detectedAt())
        .field("throttledUntil", flag.throttledUntil())
        .map();
  }

  /** How many times the existing flag of the day has been detected (0 when there is none). */
  static long detections(DocumentSnapshot existing) {
    return existing.exists() ? DocReader.of(existing).optionalLong("detections").orElse(0L) : 0;
  }

  static Map<String, Object> toAbuseThrottle(FraudFlag flag, String flagId) {
    return DocWriter.create()
        .field("userId", flag.userId())
        .field(UNTIL, flag.throttledUntil())
        .field("reason", "cost anomaly: " + flag.rule())
        .field("flagId", flagId)
        .field("updatedAt", flag.detectedAt())
        .map();
  }

  static Optional<Instant> abuseThrottledUntil(DocumentSnapshot doc) {
    return doc.exists() ? DocReader.of(doc).optionalInstant(UNTIL) : Optional.empty();
  }
}

package app.avalo.infra.routing;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code regionEvents/{auto-id}} document: {@code regionId}, {@code type}, {@code at} and the
 * fields of its type. Written by the region store (status and drain changes) and the failover
 * migrator, in the same transaction as the change they record.
 */
final class RegionEventCodec {
  static final String AT = "at";

  private RegionEventCodec() {}

  static Map<String, Object> statusChanged(
      String regionId, RegionStatus from, HealthState next, String reason, Instant at) {
    HealthCheck last = next.last();
    return base(regionId, "status-changed", at)
        .fieldOrNull("from", from)
        .fieldOrNull("to", next.status())
        .fieldOrNull("reason", reason)
        .fieldOrNull("consecutiveFailures", next.consecutiveFailures())
        .fieldOrNull("medianLatencyMs", next.medianLatencyMs())
        .fieldOrNull("lastError", last == null ? null : last.error())
        .map();
  }

  static Map<String, Object> drainingStarted(String regionId, Drain drain) {
    return base(regionId, "draining-started", drain.since())
        .fieldOrNull("until", drain.until())
        .fieldOrNull("reason", drain.reason())
        .fieldOrNull("by", drain.by())
        .map();
  }

  static Map<String, Object> drainingCleared(String regionId, String by, String note, Instant at) {
    return base(regionId, "draining-cleared", at)
        .fieldOrNull("by", by)
        .fieldOrNull("reason", note)
        .map();
  }

  static Map<String, Object> failoverStarted(FailoverOperation op) {
    return base(op.fromRegion(), "failover-started", op.startedAt())
        .fieldOrNull("operationId", op.id())
        .fieldOrNull("toRegion", op.toRegion())
        .fieldOrNull("by", op.startedBy())
        .fieldOrNull("reason", op.reason())
        .map();
  }

  static Map<String, Object> failoverCompleted(FailoverOperation op) {
    return base(op.fromRegion(), "failover-completed", op.finishedAt())
        .fieldOrNull("operationId", op.id())
        .fieldOrNull("toRegion", op.toRegion())
        .fieldOrNull("moved", op.moved())
        .map();
  }

  private static DocWriter base(String regionId, String type, Instant at) {
    return DocWriter.create()
        .fieldOrNull("regionId", regionId)
        .fieldOrNull("type", type)
        .fieldOrNull(AT, at);
  }

  static RegionEvent fromDoc(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new RegionEvent(
        d.optionalString("regionId").orElse(null),
        d.optionalString("type").orElse(null),
        d.optionalInstant(AT).orElse(null),
        d.optionalString("from").orElse(null),
        d.optionalString("to").orElse(null),
        d.optionalString("reason").orElse(null),
        d.optionalLong("consecutiveFailures").orElse(null),
        d.optionalLong("medianLatencyMs").orElse(null),
        d.optionalString("lastError").orElse(null),
        d.optionalInstant("until").orElse(null),
        d.optionalString("by").orElse(null),
        d.optionalString("operationId").orElse(null),
        d.optionalString("toRegion").orElse(null),
        d.optionalLong("moved").orElse(null),
        doc.getId());
  }
}

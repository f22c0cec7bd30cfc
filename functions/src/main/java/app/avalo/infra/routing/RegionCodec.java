package app.avalo.infra.routing;

import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Firestores;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code regions/{id}} document: every field top-level, {@code recentChecks} a list written
 * whole. The only place that knows its field names.
 *
 * <p>Reading is lenient on purpose: a region document with a missing or mistyped number falls back
 * to the default, an unknown status reads as unhealthy, a malformed recent check is skipped. The
 * routing hot path reads every region on each refresh, and one corrupt field must not stop routing
 * to all of them.
 */
final class RegionCodec {
  static final String ACTIVE_FAILOVER_ID = "activeFailoverId";

  private RegionCodec() {}

  /** The definition fields {@code initializeRegions} owns (compared field by field on update). */
  static Map<String, Object> definition(RegionDefinition d) {
    return DocWriter.create()
        .fieldOrNull("id", d.id())
        .fieldOrNull("name", d.name())
        .fieldOrNull("city", d.city())
        .fieldOrNull("gcpRegion", d.gcpRegion())
        .fieldOrNull("lat", d.location().lat())
        .fieldOrNull("lng", d.location().lng())
        .fieldOrNull("primary", d.primary())
        .fieldOrNull("priority", (long) d.priority())
        .fieldOrNull("capacityWeight", (long) d.capacityWeight())
        .fieldOrNull("endpoint", d.endpoint())
        .fieldOrNull("healthUrl", d.healthUrl())
        .map();
  }

  /** A new region: its definition, a fresh healthy status, no drain, no failover. */
  static Map<String, Object> created(RegionDefinition d, Instant now) {
    Map<String, Object> fields = definition(d);
    fields.putAll(configUpdated(now));
    fields.putAll(health(HealthState.initial()));
    fields.putAll(
        DocWriter.create()
            .fieldOrNull("status", RegionStatus.HEALTHY)
            .fieldOrNull("statusChangedAt", now)
            .fieldOrNull("statusReason", "initialized")
            .fieldOrNull("heartbeatAt", null)
            .fieldOrNull("alertedStatus", RegionStatus.HEALTHY)
            .map());
    fields.putAll(drainCleared());
    fields.putAll(activeFailover(null));
    return fields;
  }

  /** Stamped whenever the definition changes. */
  static Map<String, Object> configUpdated(Instant now) {
    return DocWriter.create().fieldOrNull("configUpdatedAt", now).map();
  }

  /** A status change with the health data that caused it. */
  static Map<String, Object> transition(HealthState next, String reason, Instant at) {
    Map<String, Object> update = health(next);
    update.putAll(
        DocWriter.create()
            .fieldOrNull("status", next.status())
            .fieldOrNull("statusChangedAt", at)
            .fieldOrNull("statusReason", reason)
            .fieldOrNull("heartbeatAt", at)
            .map());
    return update;
  }

  /** The heartbeat: streaks, window and latency figures, without a status change. */
  static Map<String, Object> heartbeat(HealthState state, Instant at) {
    Map<String, Object> update = health(state);
    update.putAll(DocWriter.create().fieldOrNull("heartbeatAt", at).map());
    return update;
  }

  static Map<String, Object> alerted(RegionStatus status) {
    return DocWriter.create().fieldOrNull("alertedStatus", status).map();
  }

  static Map<String, Object> drain(Drain drain) {
    return DocWriter.create()
        .fieldOrNull("drainingSince", drain.since())
        .fieldOrNull("drainingUntil", drain.until())
        .fieldOrNull("drainingReason", drain.reason())
        .fieldOrNull("drainingBy", drain.by())
        .map();
  }

  static Map<String, Object> drainCleared() {
    return DocWriter.create()
        .fieldOrNull("drainingSince", null)
        .fieldOrNull("drainingUntil", null)
        .fieldOrNull("drainingReason", null)
        .fieldOrNull("drainingBy", null)
        .map();
  }

  /** Points the region at the failover operation moving its users out (null: none). */
  static Map<String, Object> activeFailover(String operationId) {
    return DocWriter.create().fieldOrNull(ACTIVE_FAILOVER_ID, operationId).map();
  }

  /** The {@code recentChecks} list (also a vantage report's, see {@link VantageCodec}). */
  static List<DocWriter> checks(List<HealthCheck> recent) {
    List<DocWriter> checks = new ArrayList<>();
    for (HealthCheck c : recent) {
      checks.add(
          DocWriter.create()
              .fieldOrNull("at", c.at())
              .fieldOrNull("ok", c.ok())
              .fieldOrNull("latencyMs", c.latencyMs())
              .fieldOrNull("error", c.error()));
    }
    return checks;
  }

  /** Reads a {@code recentChecks} list leniently: malformed entries are skipped. */
  static List<HealthCheck> checksFrom(Object raw) {
    List<HealthCheck> checks = new ArrayList<>();
    if (raw instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> m) {
          checks.add(
              new HealthCheck(
                  instant(m.get("at")),
                  Boolean.TRUE.equals(m.get("ok")),
                  m.get("latencyMs") instanceof Number n ? n.longValue() : null,
                  m.get("error") instanceof String s ? s : null));
        }
      }
    }
    return checks;
  }

  private static Map<String, Object> health(HealthState s) {
    HealthCheck last = s.last();
    return DocWriter.create()
        .fieldOrNull("consecutiveFailures", (long) s.consecutiveFailures())
        .fieldOrNull("consecutiveSuccesses", (long) s.consecutiveSuccesses())
        .fieldOrNull("recentChecks", checks(s.recent()))
        .fieldOrNull("lastCheckAt", last == null ? null : last.at())
        .fieldOrNull("lastLatencyMs", last == null ? null : last.latencyMs())
        .fieldOrNull("lastError", last == null ? null : last.error())
        .fieldOrNull("medianLatencyMs", s.medianLatencyMs())
        .map();
  }

  static Region fromDoc(DocumentSnapshot doc) {
    RegionDefinition definition = definitionFromDoc(doc);
    List<HealthCheck> checks = checksFrom(doc.get("recentChecks"));
    RegionStatus status = RegionStatus.fromWire(doc.getString("status"));
    if (status == RegionStatus.DRAINING) {
      // "draining" is never a stored health status; treat a corrupted value as unsafe
      status = RegionStatus.UNHEALTHY;
    }
    HealthState health =
        new HealthState(
            status,
            (int) number(doc, "consecutiveFailures", 0),
            (int) number(doc, "consecutiveSuccesses", 0),
            checks);
    Instant until = instant(doc.get("drainingUntil"));
    Drain drain =
        until == null
            ? null
            : new Drain(
                instant(doc.get("drainingSince")),
                until,
                doc.getString("drainingReason"),
                doc.getString("drainingBy"));
    String alerted = doc.getString("alertedStatus");
    return new Region(
        definition,
        health,
        instant(doc.get("statusChangedAt")),
        instant(doc.get("lastCheckAt")),
        instant(doc.get("heartbeatAt")),
        alerted == null ? null : RegionStatus.fromWire(alerted),
        drain,
        doc.getString(ACTIVE_FAILOVER_ID));
  }

  static RegionDefinition definitionFromDoc(DocumentSnapshot doc) {
    return new RegionDefinition(
        doc.getId(),
        doc.getString("name"),
        doc.getString("city"),
        doc.getString("gcpRegion"),
        new GeoPoint(
            doc.getDouble("lat") == null ? 0 : doc.getDouble("lat"),
            doc.getDouble("lng") == null ? 0 : doc.getDouble("lng")),
        Boolean.TRUE.equals(doc.getBoolean("primary")),
        (int) number(doc, "priority", 100),
        (int) number(doc, "capacityWeight", 1),
        doc.getString("endpoint"),
        doc.getString("healthUrl"));
  }

  private static long number(DocumentSnapshot doc, String field, long defaultValue) {
    return doc.get(field) instanceof Number n ? n.longValue() : defaultValue;
  }

  static Instant instant(Object value) {
    return value instanceof Timestamp t ? Firestores.instant(t) : null;
  }
}

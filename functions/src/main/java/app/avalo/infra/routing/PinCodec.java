package app.avalo.infra.routing;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;

/**
 * A user's pin, {@code userRegionMappings/{uid}} ({@code regionId}, {@code assignedAt}, {@code
 * updatedAt}, {@code previousRegionId}, {@code reason}), and the record of each move, {@code
 * userRegionEvents/{auto-id}}.
 */
final class PinCodec {
  /** The pinned region; the failover migrator pages through the pins by it. */
  static final String REGION_ID = "regionId";

  /** Where the user was first pinned; moves keep it (pins fail back to it). */
  static final String HOME_REGION_ID = "homeRegionId";

  private PinCodec() {}

  /** A first pin. */
  static Map<String, Object> assigned(String regionId, Instant now, String reason) {
    return DocWriter.create()
        .fieldOrNull(REGION_ID, regionId)
        .fieldOrNull("assignedAt", now)
        .fieldOrNull("updatedAt", now)
        .fieldOrNull("previousRegionId", null)
        .fieldOrNull("reason", reason)
        .fieldOrNull(HOME_REGION_ID, regionId)
        .map();
  }

  /** The whole pin after a move on a request ({@code getRouting}). */
  static Map<String, Object> moved(
      String toRegion,
      String fromRegion,
      String home,
      Instant assignedAt,
      Instant now,
      String reason) {
    return DocWriter.create()
        .fieldOrNull(REGION_ID, toRegion)
        .fieldOrNull(HOME_REGION_ID, home)
        .fieldOrNull("assignedAt", assignedAt)
        .fieldOrNull("updatedAt", now)
        .fieldOrNull("previousRegionId", fromRegion)
        .fieldOrNull("reason", reason)
        .map();
  }

  /** The update a failover batch applies to each pin it moves ({@code assignedAt} kept). */
  static Map<String, Object> migrated(
      String toRegion, String fromRegion, String home, Instant now, String reason) {
    return DocWriter.create()
        .fieldOrNull(REGION_ID, toRegion)
        .fieldOrNull(HOME_REGION_ID, home)
        .fieldOrNull("previousRegionId", fromRegion)
        .fieldOrNull("updatedAt", now)
        .fieldOrNull("reason", reason)
        .map();
  }

  /** A {@code userRegionEvents} record of one move. */
  static Map<String, Object> moveEvent(
      String uid,
      String fromRegion,
      String toRegion,
      RoutedService service,
      String reason,
      Instant at) {
    return DocWriter.create()
        .fieldOrNull("uid", uid)
        .fieldOrNull("fromRegion", fromRegion)
        .fieldOrNull("toRegion", toRegion)
        .fieldOrNull("service", service)
        .fieldOrNull("reason", reason)
        .fieldOrNull("at", at)
        .map();
  }

  static Pin fromDoc(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new Pin(
        doc.getId(),
        d.optionalString(REGION_ID).orElse(null),
        d.optionalInstant("assignedAt").orElse(null),
        d.optionalInstant("updatedAt").orElse(null),
        d.optionalString(HOME_REGION_ID).orElse(null));
  }
}

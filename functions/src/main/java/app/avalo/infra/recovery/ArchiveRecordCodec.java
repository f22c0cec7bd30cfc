package app.avalo.infra.recovery;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;

/**
 * The document {@code recoveryArchives/{archiveId}} as an {@link ArchiveRecord}, and its updates.
 */
final class ArchiveRecordCodec {
  static final String CREATED_AT = "createdAt";
  static final String STATUS = "status";
  static final String COMMITS_DONE = "commitsDone";

  private ArchiveRecordCodec() {}

  /** The fields of {@code record} that are set. */
  static Map<String, Object> toDoc(ArchiveRecord r) {
    return DocWriter.create()
        .field("archiveId", r.archiveId())
        .field("kind", r.kind())
        .field("owner", r.owner())
        .field("sourceType", r.sourceType())
        .field("sourceId", r.sourceId())
        .field("sourceAsOf", r.sourceAsOf())
        .field("archiveObject", r.archiveObject())
        .field("archiveSha256", r.archiveSha256())
        .field("archiveBytes", r.archiveBytes())
        .field("archivedDocuments", r.archivedDocuments())
        .field("added", r.added())
        .field("changed", r.changed())
        .field("removed", r.removed())
        .field("unchanged", r.unchanged())
        .field("writes", r.writes())
        .field("mode", r.mode())
        .field(STATUS, r.status())
        .field("actor", r.actor())
        .field(CREATED_AT, r.createdAt())
        .field("commits", r.commits())
        .field(COMMITS_DONE, r.commitsDone())
        .field("finishedAt", r.finishedAt())
        .field("elapsedMs", r.elapsedMs())
        .field("slaMs", r.slaMs())
        .field("withinSla", r.withinSla())
        .field("error", r.error())
        .map();
  }

  static Map<String, Object> restoring(long commits) {
    return DocWriter.create()
        .field(STATUS, "restoring")
        .field("commits", commits)
        .field(COMMITS_DONE, 0L)
        .map();
  }

  /** The final state, with the measured time against the SLA. */
  static Map<String, Object> finished(
      String status, Instant finishedAt, long elapsedMs, long slaMs, String error) {
    return DocWriter.create()
        .field(STATUS, status)
        .field("finishedAt", finishedAt)
        .field("elapsedMs", elapsedMs)
        .field("slaMs", slaMs)
        .field("withinSla", elapsedMs <= slaMs)
        .fieldOrNull("error", error)
        .map();
  }

  static ArchiveRecord fromDoc(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new ArchiveRecord(
        doc.getId(),
        d.string("kind"),
        d.string("owner"),
        d.string("sourceType"),
        d.string("sourceId"),
        d.optionalInstant("sourceAsOf").orElse(null),
        d.string("archiveObject"),
        d.string("archiveSha256"),
        d.longValue("archiveBytes"),
        d.longValue("archivedDocuments"),
        d.longValue("added"),
        d.longValue("changed"),
        d.longValue("removed"),
        d.longValue("unchanged"),
        d.longValue("writes"),
        d.string("mode"),
        d.string(STATUS),
        d.optionalString("actor").orElse(null),
        d.instant(CREATED_AT),
        d.optionalLong("commits").orElse(null),
        d.optionalLong(COMMITS_DONE).orElse(null),
        d.optionalInstant("finishedAt").orElse(null),
        d.optionalLong("elapsedMs").orElse(null),
        d.optionalLong("slaMs").orElse(null),
        d.optionalBool("withinSla").orElse(null),
        d.optionalString("error").orElse(null));
  }
}

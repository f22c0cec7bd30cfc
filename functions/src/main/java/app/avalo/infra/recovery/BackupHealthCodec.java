package app.avalo.infra.recovery;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;

/**
 * The documents {@code backupHealth/latest} and {@code backupHealth/{checkedAt}}: a {@link
 * BackupHealth}. {@code checkedAt} is a timestamp; a tier's {@code snapshotTime} is kept as its RFC
 * 3339 text, as the check has always stored it.
 */
final class BackupHealthCodec {
  private BackupHealthCodec() {}

  static Map<String, Object> toDoc(BackupHealth health) {
    return DocWriter.create()
        .field("checkedAt", health.checkedAt())
        .field("status", health.status())
        .field("tiers", health.tiers().stream().map(BackupHealthCodec::tier).toList())
        .map();
  }

  private static DocWriter tier(BackupHealth.TierHealth t) {
    return DocWriter.create()
        .field("tier", t.tier())
        .field("status", t.status())
        .field("backupId", t.backupId())
        .field("snapshotTime", t.snapshotTime() == null ? null : t.snapshotTime().toString())
        .field("ageSeconds", t.ageSeconds())
        .field("fresh", t.fresh())
        .field("verified", t.verified())
        .field("shardsChecked", t.shardsChecked())
        .field("bytesChecked", t.bytesChecked())
        .field(
            "counts",
            t.counts().stream()
                .map(
                    c ->
                        DocWriter.create()
                            .field("collection", c.collection())
                            .field("backup", c.backup())
                            .field("live", c.live())
                            .field("plausible", c.plausible()))
                .toList())
        .field("corruptBackups", t.corruptBackups())
        .field(
            "problems",
            t.problems().stream()
                .map(
                    p ->
                        DocWriter.create()
                            .field("key", p.key())
                            .field("severity", p.severity())
                            .field("message", p.message()))
                .toList());
  }

  static BackupHealth fromDoc(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    return new BackupHealth(
        d.instant("checkedAt"),
        d.string("status"),
        d.maps("tiers").stream().map(BackupHealthCodec::tier).toList());
  }

  private static BackupHealth.TierHealth tier(DocReader t) {
    return new BackupHealth.TierHealth(
        t.string("tier"),
        t.string("status"),
        t.optionalString("backupId").orElse(null),
        t.optionalString("snapshotTime").map(Instant::parse).orElse(null),
        t.optionalLong("ageSeconds").orElse(null),
        t.bool("fresh"),
        t.bool("verified"),
        Math.toIntExact(t.longValue("shardsChecked")),
        t.longValue("bytesChecked"),
        t.maps("counts").stream()
            .map(
                c ->
                    new BackupHealth.CollectionCount(
                        c.string("collection"),
                        c.longValue("backup"),
                        c.longValue("live"),
                        c.bool("plausible")))
            .toList(),
        t.strings("corruptBackups"),
        t.maps("problems").stream()
            .map(
                p ->
                    new BackupHealth.Problem(
                        p.string("key"), p.string("severity"), p.string("message")))
            .toList());
  }
}

package app.avalo.infra.cdn;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The one place that knows the fields of {@code cdnAssets/{assetId}} and of its {@code variants}
 * (docs/cdn.md). Only top-level fields are queried: {@code owner}, {@code type}, {@code status},
 * {@code updatedAt}, {@code totalBytes}, {@code variantCount}.
 */
final class AssetCodec {
  static final String OWNER = "owner";
  static final String TYPE = "type";
  static final String STATUS = "status";
  static final String UPDATED_AT = "updatedAt";
  static final String TOTAL_BYTES = "totalBytes";
  static final String VARIANT_COUNT = "variantCount";

  private AssetCodec() {}

  /** A new record: identity, status, both timestamps at {@code now}, and no variants yet. */
  static DocWriter base(String id, AssetType type, String owner, AssetStatus status, Instant now) {
    return DocWriter.create()
        .field("assetId", id)
        .field(TYPE, type.wire())
        .field(OWNER, owner)
        .field(STATUS, status)
        .field("createdAt", now)
        .field(UPDATED_AT, now)
        .field(VARIANT_COUNT, 0L)
        .field(TOTAL_BYTES, 0L);
  }

  static DocWriter details(DocWriter doc, AssetDetails d) {
    return doc.field("width", d.width())
        .field("height", d.height())
        .field("placeholder", d.placeholder())
        .field("storagePrefix", d.storagePrefix())
        .field("source", d.source())
        .field("sourceBytes", d.sourceBytes())
        .field("sourceFormat", d.sourceFormat())
        .field("sourceCodec", d.sourceCodec())
        .field("sourceWidth", d.sourceWidth())
        .field("sourceHeight", d.sourceHeight())
        .field("sourceChannels", d.sourceChannels())
        .field("orientation", d.orientation())
        .field("alpha", d.alpha())
        .field("notes", d.notes())
        .field("durationMs", d.durationMs())
        .field("hasAudio", d.hasAudio())
        .field("avatarId", d.avatarId())
        .field("version", d.version());
  }

  static DocWriter job(DocWriter doc, VideoJob job) {
    if (job == null) {
      return doc;
    }
    return doc.field("transcodeTask", job.transcodeTask())
        .field("attempts", job.attempts())
        .field("progress", job.progress())
        .field("enqueuedAt", job.enqueuedAt())
        .field("lastAttemptAt", job.lastAttemptAt());
  }

  /** The finished asset's variants and their totals, and when it became ready. */
  static DocWriter ready(DocWriter doc, List<Variant> variants, Instant readyAt) {
    long bytes = variants.stream().mapToLong(Variant::bytes).sum();
    return doc.field("variants", variants.stream().map(AssetCodec::variant).toList())
        .field(VARIANT_COUNT, (long) variants.size())
        .field(TOTAL_BYTES, bytes)
        .field("readyAt", readyAt);
  }

  static DocWriter createdAt(DocWriter doc, Instant createdAt) {
    return doc.field("createdAt", createdAt);
  }

  static Map<String, Object> failed(String reason, Instant now) {
    return DocWriter.create()
        .field(STATUS, AssetStatus.FAILED)
        .field("failureReason", reason)
        .field(UPDATED_AT, now)
        .map();
  }

  /** What a failed attempt adds: attempts, and for the last one the dead-letter facts. */
  static Map<String, Object> failedAttempt(
      String reason, Instant now, int attempts, boolean deadLettered, String lastError) {
    Map<String, Object> update = failed(reason, now);
    update.putAll(
        DocWriter.create()
            .field("attempts", attempts)
            .field("deadLettered", deadLettered ? Boolean.TRUE : null)
            .field("lastError", lastError)
            .map());
    return update;
  }

  static Map<String, Object> enqueued(Instant now) {
    return DocWriter.create().field("enqueuedAt", now).field(UPDATED_AT, now).map();
  }

  static Map<String, Object> attempt(int attempt, Instant now) {
    return DocWriter.create()
        .field("attempts", attempt)
        .field("lastAttemptAt", now)
        .field(UPDATED_AT, now)
        .map();
  }

  static Map<String, Object> attemptError(String error, Instant now) {
    return DocWriter.create().field("lastError", error).field(UPDATED_AT, now).map();
  }

  static Map<String, Object> progress(double fraction, Instant now) {
    return DocWriter.create()
        .field("progress", fraction)
        .field("progressAt", now)
        .field(UPDATED_AT, now)
        .map();
  }

  static Map<String, Object> takenDown(
      AssetStatus before, String reason, String by, int objectsDeleted, Instant now) {
    return DocWriter.create()
        .field(STATUS, AssetStatus.TAKEN_DOWN)
        .field("statusBeforeTakedown", before)
        .field("takedownReason", reason)
        .field("takenDownBy", by)
        .field("takenDownAt", now)
        .field("objectsDeleted", (long) objectsDeleted)
        .field("variants", List.of())
        .field(VARIANT_COUNT, 0L)
        .field(TOTAL_BYTES, 0L)
        .field(UPDATED_AT, now)
        .map();
  }

  static AssetStatus status(DocumentSnapshot doc) {
    return DocReader.of(doc).optionalEnum(STATUS, AssetStatus.class).orElse(null);
  }

  static Asset fromDoc(DocumentSnapshot doc) {
    DocReader d = DocReader.of(doc);
    AssetDetails details =
        new AssetDetails(
            integer(d, "width"),
            integer(d, "height"),
            d.optionalString("placeholder").orElse(null),
            d.optionalString("storagePrefix").orElse(null),
            d.optionalString("source").orElse(null),
            d.optionalLong("sourceBytes").orElse(null),
            d.optionalString("sourceFormat").orElse(null),
            d.optionalString("sourceCodec").orElse(null),
            integer(d, "sourceWidth"),
            integer(d, "sourceHeight"),
            integer(d, "sourceChannels"),
            integer(d, "orientation"),
            d.optionalBool("alpha").orElse(null),
            d.has("notes") ? d.strings("notes") : null,
            d.optionalLong("durationMs").orElse(null),
            d.optionalBool("hasAudio").orElse(null),
            d.optionalString("avatarId").orElse(null),
            d.optionalString("version").orElse(null));
    VideoJob job =
        d.has("transcodeTask")
            ? new VideoJob(
                d.string("transcodeTask"),
                integer(d, "attempts"),
                d.optionalDouble("progress").orElse(null),
                d.optionalInstant("enqueuedAt").orElse(null),
                d.optionalInstant("lastAttemptAt").orElse(null))
            : null;
    return new Asset(
        doc.getId(),
        AssetType.fromWire(d.string(TYPE)),
        d.enumValue(STATUS, AssetStatus.class),
        d.optionalString(OWNER).orElse(null),
        d.optionalInstant("createdAt").orElse(null),
        d.optionalInstant(UPDATED_AT).orElse(null),
        details,
        d.maps("variants").stream().map(AssetCodec::variant).toList(),
        d.optionalString("failureReason").orElse(null),
        job);
  }

  private static DocWriter variant(Variant v) {
    return DocWriter.create()
        .field("name", v.name())
        .field("format", v.format())
        .field("width", (long) v.width())
        .field("height", (long) v.height())
        .field("bytes", v.bytes())
        .field("path", v.path())
        .field("contentType", v.contentType())
        .field("bandwidth", v.bandwidth())
        .field("segments", v.segments() == null ? null : (long) v.segments());
  }

  private static Variant variant(DocReader m) {
    return new Variant(
        m.optionalString("name").orElse(null),
        m.optionalString("format").orElse(null),
        integer(m, "width") == null ? 0 : integer(m, "width"),
        integer(m, "height") == null ? 0 : integer(m, "height"),
        m.optionalLong("bytes").orElse(0L),
        m.optionalString("path").orElse(null),
        m.optionalString("contentType").orElse(null),
        m.optionalLong("bandwidth").orElse(null),
        integer(m, "segments"));
  }

  private static Integer integer(DocReader d, String field) {
    return d.optionalLong(field).map(Long::intValue).orElse(null);
  }
}

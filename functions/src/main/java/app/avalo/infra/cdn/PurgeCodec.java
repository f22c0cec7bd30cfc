package app.avalo.infra.cdn;

import app.avalo.infra.platform.DocReader;
import app.avalo.infra.platform.DocWriter;
import com.google.cloud.firestore.DocumentSnapshot;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The fields of {@code cdnPurges/{id}} and {@code cdnPurgeState/all} (docs/cdn.md). */
final class PurgeCodec {
  private static final String LAST_PURGE_AT = "lastPurgeAt";

  private PurgeCodec() {}

  static Map<String, Object> toDoc(Purge p) {
    return DocWriter.create()
        .field("kind", p.kind())
        .field("adapter", p.adapter())
        .field("operations", p.operations())
        .field("requestedBy", p.requestedBy())
        .field("at", p.at())
        .field("assetId", p.assetId())
        .field("urls", p.urls())
        .field("prefixes", p.prefixes())
        .field("reason", p.reason())
        .map();
  }

  /** The full-purge slot claimed at {@code at}. */
  static Map<String, Object> claim(Instant at, String by, String reason) {
    return DocWriter.create()
        .field(LAST_PURGE_AT, at)
        .field("lastPurgeBy", by)
        .field("lastReason", reason)
        .map();
  }

  /** Gives the slot back: the previous full purge's time (an explicit null if there was none). */
  static Map<String, Object> restore(Instant previous) {
    return DocWriter.create().fieldOrNull(LAST_PURGE_AT, previous).map();
  }

  static Optional<Instant> lastPurgeAt(DocumentSnapshot state) {
    return DocReader.of(state).optionalInstant(LAST_PURGE_AT);
  }
}
